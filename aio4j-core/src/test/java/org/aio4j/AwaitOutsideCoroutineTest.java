package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Awaiting outside a coroutine (Python: {@code await} outside {@code async def}, a SyntaxError) is a
 * clear {@link IllegalStateException}, never a deadlock: from plain code and from a loop callback.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AwaitOutsideCoroutineTest {

    @Test
    void awaitOutsideACoroutineThrowsIllegalState() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        try {
            Future<String> f = loop.createFuture();
            f.setResult("even a done future");
            assertThatThrownBy(() -> Aio.await(f))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
            assertThatThrownBy(f::await)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
        } finally {
            loop.close();
        }
    }

    @Test
    void awaitingACoroutineOutsideACoroutineThrowsAndLeavesItUnrun() {
        Coro<Integer> c = Aio.async(() -> 1);
        assertThatThrownBy(() -> Aio.await(c))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
        assertThatThrownBy(c::await)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
        assertThat(c.isCreated()).isTrue();
        c.close();
    }

    @Test
    void awaitOfACompletionStageOutsideACoroutineThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.await(CompletableFuture.completedFuture(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
    }

    @Test
    void sleepOutsideACoroutineThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.sleep(1.0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
        assertThatThrownBy(() -> Aio.sleep(0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
        assertThatThrownBy(() -> Aio.sleep(java.time.Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
    }

    @Test
    void toThreadOutsideACoroutineThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.toThread(() -> 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
    }

    @Test
    void awaitAndSleepInALoopCallbackThrowIllegalState() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        List<Throwable> caught = new ArrayList<>();
        try {
            Future<String> f = loop.createFuture();
            loop.callSoon(() -> {
                for (Runnable r : List.<Runnable>of(() -> Aio.await(f), () -> Aio.sleep(1.0))) {
                    try {
                        r.run();
                    } catch (Throwable e) {
                        caught.add(e);
                    }
                }
            });
            loop.stop();
            loop.runForever();
        } finally {
            loop.close();
        }
        assertThat(caught).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine"));
    }

    @Test
    void awaitNullInsideACoroutineThrowsNullPointer() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.await((Awaitable<Object>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Aio.await((CompletableFuture<Object>) null))
                    .isInstanceOf(NullPointerException.class);
        });
    }
}
