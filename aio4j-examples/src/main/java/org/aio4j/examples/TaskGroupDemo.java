package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.sleep;

import java.io.PrintStream;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.ExceptionGroup;

/**
 * A TaskGroup of three workers; one fails after 1 s. The group cancels the other two (they clean up
 * and say so), waits for them, and raises one ExceptionGroup with the failure.
 */
final class TaskGroupDemo {
    private TaskGroupDemo() {
    }

    static Coro<Void> worker(Timeline t, String name, double seconds, boolean fails) {
        return async("worker " + name, () -> {
            t.log(name + ": started (" + seconds + " s of work)");
            try {
                sleep(seconds);
            } catch (CancelledError e) {
                t.log(name + ": cancelled, cleaning up");
                sleep(0.1);
                t.log(name + ": cleaned up");
                throw e;
            }
            if (fails) {
                t.log(name + ": failing");
                throw new IllegalArgumentException(name + " could not parse its input");
            }
            t.log(name + ": done");
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("5. TaskGroup: one child fails, its siblings are cancelled");
        runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            try {
                Aio.taskGroup(tg -> {
                    tg.createTask(worker(t, "parser", 1.0, true));
                    tg.createTask(worker(t, "indexer", 3.0, false));
                    tg.createTask(worker(t, "uploader", 2.0, false));
                    t.log("group: three workers started");
                });
                t.log("group: finished without error (not expected here)");
            } catch (ExceptionGroup eg) {
                t.log("group: raised " + eg.getClass().getSimpleName() + ": " + eg.getMessage());
                for (Throwable e : eg.exceptions()) {
                    t.log("  - " + e);
                }
            }
        }));
        out.println();
    }
}
