package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.timeout;
import static org.aio4j.Aio.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/** The examples of docs/timeouts.md, run on virtual time: if they break, the guide is wrong. */
class TimeoutsGuideTest {

    static Coro<String> slowQuery(double seconds) {
        return async(() -> {
            sleep(seconds);
            return "rows";
        });
    }

    @AioTest
    void scopedTimeoutRaisesTimeoutError(TestLoop test) {
        assertThatThrownBy(() -> timeout(1.0, () -> await(slowQuery(5))))
                .isInstanceOf(TimeoutError.class)
                .hasCauseInstanceOf(CancelledError.class);
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void bodyThatFinishesInTimeReturnsItsValue() {
        String rows = timeout(1.0, () -> await(slowQuery(0.5)));
        assertThat(rows).isEqualTo("rows");
    }

    @AioTest
    void nestedScopesEachRaiseForTheirOwnDeadline(TestLoop test) {
        List<String> log = new ArrayList<>();
        timeout(10, () -> {
            try {
                timeout(1, () -> await(slowQuery(5)));
            } catch (TimeoutError inner) {
                log.add("inner timed out at " + test.time());
            }
            await(slowQuery(2));            // the outer scope still has 9 s
            log.add("outer body done at " + test.time());
        });
        assertThat(log).containsExactly("inner timed out at 1.0", "outer body done at 3.0");
    }

    @AioTest
    void deadlineCanMove(TestLoop test) {
        String rows = timeout(1.0, t -> {
            t.reschedule(t.when() + 4);      // we learnt the query is big
            return await(slowQuery(3));
        });
        assertThat(rows).isEqualTo("rows");
        assertThat(test.time()).isEqualTo(3.0);
    }

    @AioTest
    void waitForCancelsTheWorkAndWaitsForItsCleanup(TestLoop test) {
        List<String> log = new ArrayList<>();
        Coro<String> careful = async(() -> {
            try {
                sleep(5);
                return "done";
            } catch (CancelledError e) {
                sleep(0.25);                 // closing a connection, say
                log.add("cleaned up at " + Aio.runningLoop().time());
                throw e;
            }
        });
        assertThatThrownBy(() -> waitFor(careful, 1.0)).isInstanceOf(TimeoutError.class);
        assertThat(log).containsExactly("cleaned up at 1.25");
        assertThat(test.time()).isEqualTo(1.25);
    }

    @AioTest
    void someoneElsesCancellationStaysACancellation(TestLoop test) {
        Task<String> t = createTask(async(() -> timeout(10, () -> await(slowQuery(5)))));
        test.advanceBy(1);
        t.cancel("shutdown");
        assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class).hasMessage("shutdown");
    }
}
