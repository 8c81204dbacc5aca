package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.settle;
import static org.aio4j.sync.SyncTesting.started;
import static org.aio4j.sync.SyncTesting.thrownInCallback;
import static org.aio4j.sync.SyncTesting.thrownOnPlainThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Event}: set/clear/isSet, waking every waiter, the awaitable in {@code await}, {@code waitFor}
 * and {@code gather}, cancellation, loop and thread rules, statistics and {@code toString()}.
 */
class EventTest {

    /** A task that waits for {@code e} and records {@code name}; run until it parks. */
    private static Task<Void> waiter(Event e, String name, List<String> trace) {
        return started(Aio.async(name, () -> {
            assertThat(e.await()).isTrue();
            trace.add(name);
        }));
    }

    @AioTest
    void startsUnsetAndSetAndClearChangeTheFlag() {
        Event e = Event.create();
        assertThat(e.isSet()).isFalse();
        e.set();
        assertThat(e.isSet()).isTrue();
        e.set(); // no-op
        assertThat(e.isSet()).isTrue();
        e.clear();
        assertThat(e.isSet()).isFalse();
    }

    @AioTest
    void awaitOnASetEventReturnsTrueWithoutSuspending(TestLoop test) {
        Event e = Event.create();
        e.set();
        Task<Void> other = Aio.createTask(Aio.async(() -> test.expect(3)));
        test.expect(1);
        assertThat(Aio.await(e)).isTrue();
        assertThat(e.await()).isTrue();
        test.expect(2);
        Aio.await(other);
        test.finish(4);
    }

    @AioTest
    void setWakesEveryWaiterInTheOrderTheyCame() {
        Event e = Event.create();
        List<String> trace = new ArrayList<>();
        List<Task<Void>> ws = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            ws.add(waiter(e, name, trace));
        }
        settle();
        assertThat(trace).isEmpty();
        e.set();
        Aio.await(Aio.gather(ws));
        assertThat(trace).containsExactly("a", "b", "c");
    }

    @AioTest
    void wokenWaiterReturnsTrueEvenIfClearedBeforeItRuns() {
        Event e = Event.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(e, "a", trace);
        settle();
        e.set();
        e.clear(); // a was woken by the set: asyncio still returns True to it
        Task<Void> late = waiter(e, "late", trace);
        settle();
        assertThat(a.done()).isTrue();
        assertThat(trace).containsExactly("a");
        assertThat(late.done()).as("arrived after the clear").isFalse();
        e.set();
        Aio.await(late);
        Aio.await(a);
        assertThat(trace).containsExactly("a", "late");
    }

    @AioTest
    void setFromAPlainCallbackWakesTheWaiters(EventLoop loop, TestLoop test) {
        Event e = Event.create();
        loop.callLater(2.0, e::set);
        assertThat(Aio.await(e)).isTrue();
        assertThat(test.time()).isEqualTo(2.0);
    }

    @AioTest
    void waitForAcceptsTheEventAndTimesOut(EventLoop loop, TestLoop test) {
        Event e = Event.create();
        assertThatThrownBy(() -> Aio.waitFor(e, 1.0)).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(e.statistics()).as("the timed-out wait left").isEqualTo(new Event.Statistics(false, 0));
        loop.callLater(0.5, e::set);
        assertThat(Aio.waitFor(e, 1.0)).isTrue();
        assertThat(test.time()).isEqualTo(1.5);
    }

    @AioTest
    void gatherAcceptsTheEventNextToOtherAwaitables(EventLoop loop) {
        Event e = Event.create();
        loop.callLater(1.0, e::set);
        List<Object> results = Aio.await(Aio.gather(e, Aio.async(() -> Aio.sleep(2.0, "slept"))));
        assertThat(results).containsExactly(true, "slept");
    }

    @AioTest
    void cancelledWaiterLeavesTheOthersWaiting() {
        Event e = Event.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(e, "a", trace);
        Task<Void> b = waiter(e, "b", trace);
        settle();
        a.cancel();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        assertThat(e.statistics()).isEqualTo(new Event.Statistics(false, 1));
        e.set();
        Aio.await(b);
        assertThat(trace).containsExactly("b");
    }

    @AioTest
    void waiterCancelledInTheSameIterationAsTheSetRaisesAndLosesNothing() {
        Event e = Event.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(e, "a", trace);
        Task<Void> b = waiter(e, "b", trace);
        settle();
        e.set();
        a.cancel("late");
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class).hasMessage("late");
        Aio.await(b);
        assertThat(trace).containsExactly("b");
        assertThat(e.isSet()).as("the flag is not consumed").isTrue();
        assertThat(e.await()).isTrue();
    }

    @AioTest
    void awaitFromAPlainCallbackIsRejected(EventLoop loop) {
        Event e = Event.create();
        assertThat(thrownInCallback(loop, e::await)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Event.await() may wait");
    }

    @Test
    @Timeout(10)
    void awaitOutsideACoroutineIsRejected() {
        Event e = Event.create();
        assertThatThrownBy(e::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Event.await() may wait, so it must be called from a coroutine");
        e.set(); // a non-waiting call is fine anywhere before the event is bound
        assertThat(e.isSet()).isTrue();
    }

    @Test
    @Timeout(10)
    void awaitFromAnotherLoopIsRejected() {
        Event e = Event.create();
        Aio.run(Aio.async(() -> {
            Aio.createTask(Aio.async(() -> {
                Aio.sleep(0);
                e.set();
            }));
            e.await(); // binds e to this loop
        }));
        e.clear();
        Aio.run(Aio.async(() -> {
            assertThatThrownBy(e::await).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Event[unset] is bound to a different event loop");
        }));
    }

    @AioTest
    void callsFromAnotherThreadWhileTheLoopRunsAreRejected() {
        Event e = Event.create();
        Task<Boolean> w = started(Aio.async(() -> e.await()));
        assertThat(thrownOnPlainThread(e::set)).isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("callSoonThreadsafe");
        assertThat(thrownOnPlainThread(e::clear)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(e::isSet)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(e::await)).isInstanceOf(WrongThreadException.class);
        assertThat(e.isSet()).isFalse();
        e.set();
        assertThat(Aio.await(w)).isTrue();
    }

    @AioTest
    void setFromAnotherThreadGoesThroughCallSoonThreadsafe(EventLoop loop) {
        Event e = Event.create();
        Task<Boolean> w = started(Aio.async(() -> e.await()));
        assertThat(thrownOnPlainThread(() -> loop.callSoonThreadsafe(e::set))).isNull();
        assertThat(Aio.await(w)).isTrue();
    }

    @AioTest
    void statisticsAndToStringFollowPython() {
        Event e = Event.create();
        assertThat(e).hasToString("Event[unset]");
        Task<Boolean> w = started(Aio.async(() -> e.await()));
        assertThat(e).hasToString("Event[unset, waiters:1]");
        assertThat(e.statistics()).isEqualTo(new Event.Statistics(false, 1));
        e.set();
        assertThat(e).hasToString("Event[set, waiters:1]");
        Aio.await(w);
        assertThat(e).hasToString("Event[set]");
        assertThat(e.statistics()).isEqualTo(new Event.Statistics(true, 0));
    }
}
