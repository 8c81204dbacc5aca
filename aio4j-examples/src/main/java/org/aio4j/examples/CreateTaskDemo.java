package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;

import java.io.PrintStream;
import org.aio4j.Task;

/**
 * createTask starts a coroutine running concurrently: two loads of 1.5 s and 1 s, started as tasks
 * and then awaited, overlap and finish in ~1.5 s; the main coroutine keeps working meanwhile.
 */
final class CreateTaskDemo {
    private CreateTaskDemo() {
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("3. createTask: two loads overlap");
        double total = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            Task<Integer> profile = createTask(async(() -> {
                t.log("load profile: start");
                sleep(1.5);
                t.log("load profile: done");
                return 42;
            }), "load-profile");
            Task<Integer> orders = createTask(async(() -> {
                t.log("load orders: start");
                sleep(1.0);
                t.log("load orders: done");
                return 7;
            }), "load-orders");
            t.log("both tasks created; main goes on while they run");
            sleep(0.5);
            t.log("main did 0.5 s of other work");
            int sum = await(profile) + await(orders);
            t.log("awaited both: profile + orders = " + sum);
            return t.elapsed();
        }));
        out.printf("  total: %.2f s (1.5 s + 1 s run one after the other would take 2.5 s)%n%n", total);
    }
}
