package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.asyncGenerator;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.timeout;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncGenerator;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.sync.Queue;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/** The examples of docs/generators.md, run on virtual time: if they break, the guide is wrong. */
class GeneratorsGuideTest {

    AsyncGenerator<Integer> ticker(int n, double interval) {
        return asyncGenerator("ticker", out -> {
            for (int i = 0; i < n; i++) {
                out.yield(i);
                sleep(interval);
            }
        });
    }

    @AioTest
    void aForLoopConsumesTheTicker(TestLoop test) {
        List<String> printed = new ArrayList<>();
        for (int tick : ticker(3, 0.5)) {
            printed.add("tick " + tick + " at " + test.time());
        }
        assertThat(printed).containsExactly("tick 0 at 0.0", "tick 1 at 0.5", "tick 2 at 1.0");
    }

    // --- the paginated API ----------------------------------------------------------------------------

    record Page(List<String> items, String next) { }

    /** A fake remote API: three items per page, ten pages, 0.1 s per request; counts the requests. */
    static final class PagedApi {
        int requests;

        Coro<Page> fetch(String cursor) {
            return async(() -> {
                requests++;
                sleep(0.1);
                int page = cursor == null ? 0 : Integer.parseInt(cursor);
                List<String> items = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    items.add("item-" + (page * 3 + i));
                }
                return new Page(items, page < 9 ? String.valueOf(page + 1) : null);
            });
        }
    }

    AsyncGenerator<String> allItems(PagedApi api) {
        return asyncGenerator("allItems", out -> {
            String cursor = null;
            do {
                Page page = await(api.fetch(cursor));
                for (String item : page.items()) {
                    out.yield(item);
                }
                cursor = page.next();
            } while (cursor != null);
        });
    }

    @AioTest
    void thePaginatedApiIsFetchedOnlyAsFarAsTheConsumerGoes() {
        PagedApi api = new PagedApi();
        try (AsyncGenerator<String> items = allItems(api)) {
            for (String item : items) {
                if (item.equals("item-7")) {
                    break;
                }
            }
        }
        assertThat(api.requests).isEqualTo(3);
        assertThat(allItems(new PagedApi()).toList()).hasSize(30);
    }

    // --- comprehensions and push ----------------------------------------------------------------------

    AsyncGenerator<Integer> numbers(int n) {
        return asyncGenerator(out -> {
            for (int i = 0; i < n; i++) {
                sleep(0.01);
                out.yield(i);
            }
        });
    }

    @AioTest
    void filterMapToListIsTheAsyncComprehension() {
        List<Integer> oddSquares = numbers(10).filter(i -> i % 2 == 1).map(i -> i * i).toList();
        assertThat(oddSquares).containsExactly(1, 9, 25, 49, 81);
    }

    @AioTest
    void forEachWhileStopsTheBodyEarly() {
        List<Integer> seen = new ArrayList<>();
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = asyncGenerator(out -> {
            try {
                for (int i = 0; i < 100; i++) {
                    out.yield(i);
                }
            } finally {
                trace.add("finally ran");
            }
        });
        g.forEachWhile(i -> {
            seen.add(i);
            return i < 3;
        });
        assertThat(seen).containsExactly(0, 1, 2, 3);
        assertThat(trace).containsExactly("finally ran");
    }

    @AioTest
    void asendResumesTheYieldWithAValue() {
        AsyncGenerator<String> echo = asyncGenerator(out -> {
            Object got = out.yield("ready");
            while (got != null) {
                got = out.yield("echo " + got);
            }
        });
        assertThat(echo.anext()).isEqualTo("ready");
        assertThat(echo.asend("hi")).isEqualTo("echo hi");
        echo.aclose();
    }

    // --- closing --------------------------------------------------------------------------------------

    AsyncGenerator<String> readLines(List<String> file, List<String> trace) {
        return asyncGenerator(out -> {
            trace.add("opened");
            try {
                for (String line : file) {
                    sleep(0.01);
                    out.yield(line);
                }
            } finally {
                sleep(0.01); // closing may await
                trace.add("closed");
            }
        });
    }

    @AioTest
    void tryWithResourcesIsAclosing() {
        List<String> trace = new ArrayList<>();
        try (AsyncGenerator<String> lines = readLines(List.of("a", "", "b"), trace)) {
            for (String line : lines) {
                if (line.isEmpty()) {
                    break;
                }
            }
            trace.add("loop left");
        }
        assertThat(trace).containsExactly("opened", "loop left", "closed");
    }

    @org.junit.jupiter.api.Test
    void aioRunClosesAGeneratorAbandonedByABreak() {
        List<String> trace = new ArrayList<>();
        Aio.run(async(() -> {
            for (String line : readLines(List.of("a", "", "b"), trace)) {
                if (line.isEmpty()) {
                    break;
                }
            }
            trace.add("main done");
        }));
        assertThat(trace).containsExactly("opened", "main done", "closed");
    }

    @AioTest
    void aTimeoutAroundTheLoopBoundsTheIteration() {
        List<Integer> ticks = new ArrayList<>();
        try {
            timeout(2.5, () -> {
                for (int tick : ticker(10, 1.0)) {
                    ticks.add(tick);
                }
            });
        } catch (TimeoutError e) {
            assertThat(ticks).containsExactly(0, 1, 2);
        }
        assertThat(ticks).containsExactly(0, 1, 2);
    }

    @AioTest
    void aWorkerIteratesAQueueUntilItIsShutDown() {
        Queue<String> jobs = Queue.create();
        List<String> done = new ArrayList<>();
        Task<Void> worker = createTask(async(() -> {
            for (String job : jobs.consume()) {
                done.add(job);
            }
        }));
        jobs.put("a");
        jobs.put("b");
        jobs.shutdown();
        await(worker);
        assertThat(done).containsExactly("a", "b");
    }
}
