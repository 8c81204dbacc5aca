package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.sync.Queue;
import org.aio4j.sync.QueueShutDown;

/**
 * asyncio's worker-pool pattern with backpressure: a producer feeds nine 1 s jobs through a queue of
 * three slots to three workers. The producer waits whenever the queue is full, so it is never more
 * than three jobs ahead; {@code join()} waits until every job is done, and {@code shutdown()} ends
 * the workers (their {@code get()} throws {@link QueueShutDown}) instead of a sentinel per worker.
 */
final class QueueWorkersDemo {
    private QueueWorkersDemo() {
    }

    /** Takes jobs until the queue is shut down; returns how many it did. */
    static Coro<Integer> worker(Timeline t, Queue<String> jobs, String name) {
        return async(name, () -> {
            int done = 0;
            try {
                while (true) {
                    String job = jobs.get();
                    sleep(1.0);                      // the work
                    t.log(name + " finished " + job);
                    done++;
                    jobs.taskDone();
                }
            } catch (QueueShutDown closed) {
                return done;
            }
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("6. A queue of 3 slots feeding 3 workers: the producer waits for room");
        double total = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            Queue<String> jobs = Queue.create(3);
            List<Task<Integer>> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                workers.add(createTask(worker(t, jobs, "worker " + i), "worker " + i));
            }
            for (int j = 1; j <= 9; j++) {
                String job = "job " + j;
                if (jobs.full()) {
                    t.log("queue full (" + jobs.qsize() + " waiting): producer waits to put " + job);
                }
                jobs.put(job);
            }
            t.log("producer: all 9 jobs queued");
            jobs.join();
            t.log("join(): every job is done; shutting the queue down");
            jobs.shutdown();
            List<Integer> counts = await(gather(workers));
            t.log("jobs per worker: " + counts);
            return t.elapsed();
        }));
        out.printf("  total: %.2f s (9 jobs of 1 s on 3 workers)%n%n", total);
    }
}
