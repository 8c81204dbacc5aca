package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.started;
import static org.aio4j.sync.SyncTesting.thrownOnPlainThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * {@link Lock}: what is particular to it beyond the lock-like contract ({@link LockLikeContractTest}):
 * misuse messages, no reentrancy, {@code locked()}, statistics and {@code toString()}.
 */
@SuppressWarnings("try") // the idiom try (Acquired held = x.acquire()) { ... } never reads held
class LockTest {

    @AioTest
    void releaseOfAnUnlockedLockNamesTheMisuse() {
        Lock lock = Lock.create();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Lock is not acquired")
                .hasMessageContaining("without a matching acquire()");
        lock.acquire();
        lock.release();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class);
    }

    @AioTest
    void isNotReentrantATaskThatAcquiresTwiceWaitsForItself(TestLoop test) {
        Lock lock = Lock.create();
        try (Acquired held = lock.acquire()) {
            assertThatThrownBy(() -> Aio.timeout(5.0, () -> lock.acquire())).isInstanceOf(TimeoutError.class);
            assertThat(test.time()).isEqualTo(5.0);
            assertThat(lock.locked()).isTrue();
        }
        assertThat(lock.locked()).isFalse();
    }

    @AioTest
    void lockedIsFalseAfterReleaseEvenBeforeTheWokenWaiterRuns() {
        Lock lock = Lock.create();
        Acquired held = lock.acquire();
        Task<Void> waiter = started(Aio.async(() -> lock.acquire().close()));
        held.close();
        // As in asyncio, locked() is the flag: false here, although a newcomer would still queue
        // behind the woken waiter (LockLikeContractTest.aNewcomerDoesNotBargePastAWokenWaiter).
        assertThat(lock.locked()).isFalse();
        assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(false, 1));
        Aio.await(waiter);
        assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(false, 0));
    }

    @AioTest
    void cancelledWaiterOfAFreeLockWakesTheHead() {
        // A waiter cancelled while the lock is free (its wake was handed out, then it was cancelled)
        // wakes the new head: the first waiter still parked.
        Lock lock = Lock.create();
        List<String> trace = new ArrayList<>();
        Acquired held = lock.acquire();
        Task<Void> a = started(Aio.async(() -> lock.acquire().close()));
        Task<Void> b = started(Aio.async(() -> {
            try (Acquired mine = lock.acquire()) {
                trace.add("b");
            }
        }));
        held.close();
        a.cancel("gone");
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class).hasMessage("gone");
        Aio.await(b);
        assertThat(trace).containsExactly("b");
    }

    @AioTest
    void statisticsAndToStringShowTheStateAndTheWaiters() {
        Lock lock = Lock.create();
        assertThat(lock).hasToString("Lock[unlocked]");
        assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(false, 0));
        Acquired held = lock.acquire();
        assertThat(lock).hasToString("Lock[locked]");
        Task<Void> a = started(Aio.async(() -> lock.acquire().close()));
        Task<Void> b = started(Aio.async(() -> lock.acquire().close()));
        assertThat(lock).hasToString("Lock[locked, waiters:2]");
        assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 2));
        assertThat(held).hasToString("Acquired[Lock[locked, waiters:2]]");
        held.close();
        Aio.await(Aio.gather(a, b));
        assertThat(lock).hasToString("Lock[unlocked]");
    }

    @AioTest
    void toStringMayBeCalledFromAnyThread() {
        Lock lock = Lock.create();
        Acquired held = lock.acquire();
        Task<Void> waiter = started(Aio.async(() -> lock.acquire().close()));
        String[] seen = new String[1];
        assertThat(thrownOnPlainThread(() -> seen[0] = lock.toString())).isNull();
        assertThat(seen[0]).isEqualTo("Lock[locked, waiters:1]");
        held.close();
        Aio.await(waiter);
    }
}
