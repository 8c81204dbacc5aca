package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;

import java.io.PrintStream;
import java.util.List;
import org.aio4j.Coro;

/**
 * Three downloads of 2 s, 1 s and 1.5 s: awaited one after the other they take ~4.5 s; gathered they
 * run concurrently and take ~2 s, the longest of them, with results in argument order.
 */
final class SequentialVsGatherDemo {
    private SequentialVsGatherDemo() {
    }

    static Coro<String> download(Timeline t, String name, double seconds) {
        return async("download", () -> {
            t.log("start " + name + " (" + seconds + " s)");
            sleep(seconds);
            t.log("done  " + name);
            return name;
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("2a. Sequential awaits: 2 s + 1 s + 1.5 s");
        double sequential = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            await(download(t, "A", 2.0));
            await(download(t, "B", 1.0));
            await(download(t, "C", 1.5));
            t.log("all three done");
            return t.elapsed();
        }));
        out.printf("  total: %.2f s%n%n", sequential);

        out.println("2b. The same three with gather: they overlap");
        double gathered = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            List<String> results = await(gather(download(t, "A", 2.0), download(t, "B", 1.0),
                    download(t, "C", 1.5)));
            t.log("gather returned " + results + " (argument order, not completion order)");
            return t.elapsed();
        }));
        out.printf("  total: %.2f s (sequential took %.2f s)%n%n", gathered, sequential);
    }
}
