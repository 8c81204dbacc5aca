package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.asyncGenerator;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.sleep;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.AsyncGenerator;
import org.aio4j.Coro;

/**
 * Async generators, Python's {@code async def} with {@code yield}: a ticker that awaits between
 * values, and a paginated API consumed lazily with a plain {@code for} loop, which fetches a page
 * only when the loop gets there and stops fetching when the loop breaks.
 */
final class AsyncGeneratorDemo {
    private AsyncGeneratorDemo() {
    }

    /** Yields 0, 1, 2, ... every {@code interval} seconds. */
    static AsyncGenerator<Integer> ticker(int count, double interval) {
        return asyncGenerator("ticker", out -> {
            for (int i = 0; i < count; i++) {
                out.yield(i);
                sleep(interval);
            }
        });
    }

    record Page(int number, List<String> items, boolean last) { }

    /** A remote "API" with 0.3 s of latency per page of three users. */
    static Coro<Page> fetchPage(Timeline t, int number) {
        return async(() -> {
            t.log("GET /users?page=" + number);
            sleep(0.3);
            List<String> items = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                items.add("user" + ((number - 1) * 3 + i));
            }
            return new Page(number, items, number == 10);
        });
    }

    /** Every user, fetching page after page as the consumer asks for more. */
    static AsyncGenerator<String> allUsers(Timeline t) {
        return asyncGenerator("allUsers", out -> {
            try {
                Page page;
                int n = 1;
                do {
                    page = await(fetchPage(t, n++));
                    for (String user : page.items()) {
                        out.yield(user);
                    }
                } while (!page.last());
            } finally {
                t.log("allUsers closed");
            }
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("8. Async generators: a ticker, and a paginated API read lazily with a for loop");
        double total = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            for (int tick : ticker(3, 0.5)) {             // Python: async for tick in ticker(3, 0.5)
                t.log("tick " + tick);
            }
            try (AsyncGenerator<String> users = allUsers(t)) {   // Python: async with aclosing(...)
                for (String user : users) {
                    if (user.equals("user7")) {
                        t.log("found " + user + ": stop (pages 4 to 10 are never fetched)");
                        break;
                    }
                }
            }
            List<String> firstFive = allUsers(t).take(5).toList();   // [u async for u in ...][:5], lazily
            t.log("first five: " + firstFive);
            return t.elapsed();
        }));
        out.printf("  total: %.2f s%n%n", total);
    }
}
