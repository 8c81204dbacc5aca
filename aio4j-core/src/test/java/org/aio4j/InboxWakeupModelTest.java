package org.aio4j;

import static org.aio4j.ModelCheck.check;
import static org.aio4j.ModelCheck.join;
import static org.aio4j.ModelCheck.start;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's inbox and selector wakeup under a model checker (see {@link ModelCheck}): callbacks that
 * other threads post with {@code callSoonThreadsafe} while the loop runs a batch, polls or sleeps in
 * {@code select}, and {@code stop()} and {@code close()} racing them. Every interleaving explored must
 * run each accepted callback exactly once, in the order each thread posted them, and must never leave
 * the loop asleep with work in its inbox (the checker reports that as a hang). A callback accepted
 * during the loop's last batch before close() is dropped by close() unrun, as asyncio's close() drops
 * its ready queue; what close() promises is that calls made after it are refused. The strand mode does
 * not matter here (no tasks), but like every test this runs in both.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InboxWakeupModelTest {

    /** A callback that records its name on the loop thread and stops the loop after the last one. */
    private static Runnable record(EventLoop loop, List<String> ran, String name, int stopAfter) {
        return () -> {
            ran.add(name);
            if (ran.size() == stopAfter) {
                loop.stop();
            }
        };
    }

    private static void assertRanOnceInPostingOrder(List<String> ran, List<String> posted) {
        check(ran.size() == posted.size() && ran.containsAll(posted),
                "each accepted callback runs exactly once: posted %s, ran %s", posted, ran);
        for (String thread : List.of("a", "b")) {
            List<String> fromThread = ran.stream().filter(n -> n.startsWith(thread)).toList();
            List<String> expected = posted.stream().filter(n -> n.startsWith(thread)).toList();
            check(fromThread.equals(expected), "callbacks of thread %s run in the order it posted them: ran %s",
                    thread, ran);
        }
    }

    @Test
    void callbacksFromTwoThreadsRunOnceEachInPostingOrderWhetherTheLoopIsBusyOrAsleep() {
        ModelCheck.explore(100, () -> {
            EventLoop loop = ModelCheck.newLoop();
            List<String> ran = new ArrayList<>();
            List<String> posted = List.of("a1", "a2", "b1", "b2");
            // The loop is busy for its first iterations (a callback that schedules itself once more),
            // so the posts can land during a batch, in the poll without waiting, or in a sleeping select.
            Runnable[] busy = new Runnable[1];
            int[] busyLeft = {2};
            busy[0] = () -> {
                if (--busyLeft[0] > 0) {
                    loop.callSoon(busy[0]);
                }
            };
            Thread looper = start("loop", () -> {
                loop.callSoon(busy[0]);
                loop.runForever();
                loop.close();
            });
            Thread a = start("a", () -> {
                loop.callSoonThreadsafe(record(loop, ran, "a1", 4));
                loop.callSoonThreadsafe(record(loop, ran, "a2", 4));
            });
            Thread b = start("b", () -> {
                loop.callSoonThreadsafe(record(loop, ran, "b1", 4));
                loop.callSoonThreadsafe(record(loop, ran, "b2", 4));
            });
            join(a, b, looper);
            assertRanOnceInPostingOrder(ran, posted);
        });
    }

    @Test
    void stopFromAnotherThreadEndsTheSleepingLoopAndCallbacksItDidNotReachRunAtTheNextRun() {
        ModelCheck.explore(100, () -> {
            EventLoop loop = ModelCheck.newLoop();
            List<String> ran = new ArrayList<>();
            List<String> posted = List.of("a1", "a2");
            boolean[] secondRun = {false};
            Thread a = start("a", () -> {
                loop.callSoonThreadsafe(record(loop, ran, "a1", -1));
                loop.callSoonThreadsafe(record(loop, ran, "a2", -1));
            });
            Thread b = start("b", loop::stop);
            Thread looper = start("loop", () -> {
                loop.runForever(); // returns only because b called stop(): nothing else stops it
                join(a, b);
                // Whatever was accepted but not run yet is still there: one more iteration runs it.
                loop.callSoon(loop::stop);
                loop.runForever();
                secondRun[0] = true;
                loop.close();
            });
            join(looper);
            check(secondRun[0], "the loop ran again after stop()");
            assertRanOnceInPostingOrder(ran, posted);
        });
    }

    @Test
    void callSoonThreadsafeRacingCloseIsAcceptedOrRefusedAndEveryCallAfterCloseIsRefused() {
        ModelCheck.explore(60, () -> {
            EventLoop loop = ModelCheck.newLoop();
            List<String> ran = new ArrayList<>();
            AtomicBoolean closeReturned = new AtomicBoolean();
            boolean[] accepted = new boolean[2];
            boolean[] closedBefore = new boolean[2];
            String[] refusal = new String[2];
            Thread a = start("a", () -> {
                loop.callSoonThreadsafe(record(loop, ran, "a1", -1));
                loop.callSoonThreadsafe(loop::stop); // a1 was accepted before the loop was told to stop
            });
            Thread b = start("b", () -> {
                for (int i = 0; i < 2; i++) {
                    closedBefore[i] = closeReturned.get();
                    try {
                        loop.callSoonThreadsafe(record(loop, ran, "b" + (i + 1), -1));
                        accepted[i] = true;
                    } catch (IllegalStateException refused) {
                        refusal[i] = refused.getMessage();
                    }
                }
            });
            Thread looper = start("loop", () -> {
                loop.runForever();
                loop.close();
                closeReturned.set(true);
            });
            join(a, b, looper);
            check(ran.contains("a1"), "a1 was posted before the stop request, by the same thread, so it ran: %s", ran);
            check(ran.stream().distinct().count() == ran.size(), "no callback ran twice: %s", ran);
            for (int i = 0; i < 2; i++) {
                String name = "b" + (i + 1);
                check(!(closedBefore[i] && accepted[i]), "%s was posted after close() returned: it must be refused",
                        name);
                if (!accepted[i]) {
                    check(refusal[i].contains("Event loop is closed"), "why %s was refused: %s", name, refusal[i]);
                    check(!ran.contains(name), "%s was refused, yet ran", name);
                }
            }
            check(accepted[0] || !accepted[1], "once refused, a closed loop refuses everything after");
        });
    }
}
