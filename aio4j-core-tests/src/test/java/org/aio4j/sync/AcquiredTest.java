package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.settle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.test.AioTest;

/**
 * {@link Acquired}: the try-with-resources form of {@code async with}: it releases exactly once, on
 * normal exit, on failure and on cancellation, and says what it holds.
 */
@SuppressWarnings("try") // the idiom try (Acquired held = x.acquire()) { ... } never reads held
class AcquiredTest {

    @AioTest
    void closeReleasesExactlyOnce() {
        Semaphore s = Semaphore.create(2);
        Acquired permit = s.acquire();
        assertThat(permit.held()).isTrue();
        assertThat(s.statistics().value()).isEqualTo(1);
        permit.close();
        assertThat(permit.held()).isFalse();
        permit.close();
        permit.close();
        assertThat(s.statistics().value()).as("not raised above the initial 2").isEqualTo(2);
    }

    @AioTest
    void toStringShowsWhatIsHeldUntilReleased() {
        Lock lock = Lock.create();
        Acquired held = lock.acquire();
        assertThat(held).hasToString("Acquired[Lock[locked]]");
        held.close();
        assertThat(held).hasToString("Acquired[released]");
        Condition c = Condition.create();
        try (Acquired viaCondition = c.acquire()) {
            assertThat(viaCondition).hasToString("Acquired[Condition[locked]]");
            assertThat(c.lock().locked()).isTrue();
        }
        assertThat(c.lock().locked()).isFalse();
    }

    @AioTest
    void tryWithResourcesReleasesWhenTheBodyThrows() {
        Lock lock = Lock.create();
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Aio.await(Aio.async(() -> {
            try (Acquired held = lock.acquire()) {
                throw boom;
            }
        }))).isSameAs(boom);
        assertThat(lock.locked()).isFalse();
    }

    @AioTest
    void tryWithResourcesReleasesWhenTheTaskIsCancelledInsideTheBlock() {
        Semaphore s = Semaphore.bounded(1);
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            try (Acquired permit = s.acquire()) {
                Aio.sleep(60);
            }
        }));
        settle();
        assertThat(s.locked()).isTrue();
        t.cancel();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(s.locked()).isFalse();
        assertThat(s.statistics().value()).isEqualTo(1);
    }

    @AioTest
    void closingAfterAManualReleaseReleasesAgainAndALockSaysSo() {
        // The documented pitfall: release through the Acquired or through release(), not both.
        Lock lock = Lock.create();
        Acquired held = lock.acquire();
        lock.release();
        assertThatThrownBy(held::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Lock is not acquired");
    }
}
