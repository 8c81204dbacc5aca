package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.shield;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/** The examples of docs/cancellation.md, run on virtual time. */
class CancellationGuideTest {

    static Coro<Void> worker(List<String> log) {
        return async(() -> {
            try {
                while (true) {
                    sleep(1);
                    log.add("tick");
                }
            } catch (CancelledError e) {
                sleep(0.5);                   // awaiting during cleanup is fine
                log.add("goodbye");
                throw e;                      // rethrow: the task ends CANCELLED
            }
        });
    }

    @AioTest
    void cancelledWorkerCleansUpAndEndsCancelled(TestLoop test) {
        List<String> log = new ArrayList<>();
        Task<Void> w = createTask(worker(log));
        test.advanceBy(2.5);
        assertThat(w.cancel("stop")).isTrue();
        assertThat(w.cancelling()).isEqualTo(1);
        assertThatThrownBy(() -> await(w)).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(log).containsExactly("tick", "tick", "goodbye");
        assertThat(w.cancelled()).isTrue();
    }

    @AioTest
    void catchExceptionDoesNotSwallowCancellation(TestLoop test) {
        Task<String> t = createTask(async(() -> {
            try {
                sleep(10);
                return "finished";
            } catch (Exception e) {           // ordinary failures only: CancelledError is an Error
                return "swallowed";
            }
        }));
        test.advanceBy(1);
        t.cancel();
        assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
    }

    @AioTest
    void cancellingATaskCancelsWhatItAwaits(TestLoop test) {
        Task<String> inner = createTask(async(() -> sleep(10, "inner")));
        Task<String> outer = createTask(async(() -> await(inner)));
        test.advanceBy(1);
        outer.cancel();
        assertThatThrownBy(() -> await(outer)).isInstanceOf(CancelledError.class);
        assertThat(inner.cancelled()).isTrue();
    }

    @AioTest
    void shieldKeepsTheInnerWorkRunning(TestLoop test) {
        Task<String> save = createTask(async(() -> sleep(3, "saved")));
        Task<String> request = createTask(async(() -> await(shield(save))));
        test.advanceBy(1);
        request.cancel();                     // the client went away...
        assertThatThrownBy(() -> await(request)).isInstanceOf(CancelledError.class);
        assertThat(await(save)).isEqualTo("saved");   // ...but the save completed
        assertThat(test.time()).isEqualTo(3.0);
    }

    @AioTest
    void uncancelAbsorbsACancellationOnPurpose(TestLoop test) {
        Task<String> t = createTask(async(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                Aio.currentTask().uncancel(); // we decided to carry on
            }
            sleep(1);
            return "carried on";
        }));
        test.advanceBy(1);
        t.cancel();
        assertThat(await(t)).isEqualTo("carried on");
        assertThat(t.cancelling()).isZero();
    }
}
