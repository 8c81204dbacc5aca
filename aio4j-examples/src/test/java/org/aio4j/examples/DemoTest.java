package org.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.aio4j.Clock;
import org.aio4j.Coro;
import org.aio4j.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demos, run on virtual time: their timelines are exact, and the test takes milliseconds. */
@Timeout(20)
class DemoTest {

    private static final DemoRunner VIRTUAL = new DemoRunner() {
        @Override
        public <T> T run(Coro<T> main) {
            try (Runner runner = Runner.create(Clock.virtual())) {
                return runner.run(main);
            }
        }
    };

    private static String capture(java.util.function.BiConsumer<PrintStream, DemoRunner> demo) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        demo.accept(out, VIRTUAL);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void coroutineObjectRunsOnlyWhenAwaited() {
        String out = capture(CoroutineObjectDemo::run);
        assertThat(out).containsSubsequence(
                "[ 0.00s] made the coroutine object",
                "[ 0.20s] 0.2 s later, still nothing ran",
                "[ 0.20s] fetch(users) is running now",
                "[ 0.70s] await returned \"users data\"");
    }

    @Test
    void sequentialAwaitsTakeTheSumAndGatherTakesTheLongest() {
        String out = capture(SequentialVsGatherDemo::run);
        assertThat(out).contains("total: 4.50 s").contains("total: 2.00 s (sequential took 4.50 s)");
        assertThat(out).contains("gather returned [A, B, C]");
        assertThat(out).containsSubsequence("[ 1.00s] done  B", "[ 1.50s] done  C", "[ 2.00s] done  A");
    }

    @Test
    void createdTasksOverlapWhileMainWorks() {
        String out = capture(CreateTaskDemo::run);
        assertThat(out).containsSubsequence(
                "[ 0.00s] both tasks created",
                "[ 0.00s] load profile: start",
                "[ 0.00s] load orders: start",
                "[ 0.50s] main did 0.5 s of other work",
                "[ 1.00s] load orders: done",
                "[ 1.50s] load profile: done",
                "[ 1.50s] awaited both: profile + orders = 49",
                "total: 1.50 s");
    }

    @Test
    void readmeExampleGathersInAboutTwoSeconds() {
        try (Runner runner = Runner.create(Clock.virtual())) {
            assertThat(runner.run(Hello.main())).containsExactly("first", "b", "c");
            assertThat(runner.getLoop().time()).isEqualTo(2.0);
        }
    }

    @Test
    void apiCallsUnderTimeoutsAreAllHandledInTheTimeOfTheLimit() {
        String out = capture(ApiCallsWithTimeoutDemo::run);
        assertThat(out).containsSubsequence(
                "[ 0.10s] /health: 200 from /health",
                "[ 0.40s] /users: 200 from /users",
                "[ 0.80s] /billing: failed: 503 from /billing",
                "[ 1.20s] /orders: 200 from /orders",
                "[ 2.00s] /reports: timed out after 2 s (the call was cancelled)",
                "[ 2.00s] outcomes: [/users ok, /orders ok, /reports timeout, /billing error, /health ok]",
                "total: 2.00 s");
    }

    @Test
    void taskGroupCancelsSiblingsOfTheFailedChildAndRaisesOneGroup() {
        String out = capture(TaskGroupDemo::run);
        assertThat(out).containsSubsequence(
                "[ 1.00s] parser: failing",
                "[ 1.00s] indexer: cancelled, cleaning up",
                "[ 1.00s] uploader: cancelled, cleaning up",
                "[ 1.10s] indexer: cleaned up",
                "[ 1.10s] uploader: cleaned up",
                "[ 1.10s] group: raised ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
                "[ 1.10s]   - java.lang.IllegalArgumentException: parser could not parse its input");
        assertThat(out).doesNotContain("finished without error").doesNotContain("indexer: done");
    }

    @Test
    void boundedQueueHoldsTheProducerBackAndShutdownEndsTheWorkers() {
        String out = capture(QueueWorkersDemo::run);
        assertThat(out).containsSubsequence(
                "[ 0.00s] queue full (3 waiting): producer waits to put job 4",
                "[ 0.00s] queue full (3 waiting): producer waits to put job 7",
                "[ 1.00s] worker 1 finished job 1",
                "[ 1.00s] producer: all 9 jobs queued",
                "[ 2.00s] worker 3 finished job 6",
                "[ 3.00s] worker 3 finished job 9",
                "[ 3.00s] join(): every job is done; shutting the queue down",
                "[ 3.00s] jobs per worker: [3, 3, 3]",
                "total: 3.00 s");
    }

    @Test
    void asyncGeneratorDemoFetchesOnlyThePagesTheLoopReaches() {
        String out = capture(AsyncGeneratorDemo::run);
        assertThat(out).containsSubsequence(
                "[ 0.00s] tick 0",
                "[ 0.50s] tick 1",
                "[ 1.00s] tick 2",
                "[ 1.50s] GET /users?page=1",
                "[ 1.80s] GET /users?page=2",
                "[ 2.10s] GET /users?page=3",
                "[ 2.40s] found user7: stop (pages 4 to 10 are never fetched)",
                "[ 2.40s] allUsers closed",
                "[ 2.40s] GET /users?page=1",
                "[ 2.70s] GET /users?page=2",
                "[ 3.00s] allUsers closed",
                "[ 3.00s] first five: [user1, user2, user3, user4, user5]",
                "total: 3.00 s");
        assertThat(out).doesNotContain("page=4");
    }

    @Test
    void aTraceOfADemoRunHasALanePerTaskInThePageAndInTheChromeTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        org.aio4j.Timeline timeline = org.aio4j.Timeline.start();
        try {
            capture(TaskGroupDemo::run);
        } finally {
            timeline.stop();
        }
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        Main.writeTrace(timeline, dir.resolve("t.html"), new PrintStream(said, true, StandardCharsets.UTF_8));
        Main.writeTrace(timeline, dir.resolve("t.json"), new PrintStream(said, true, StandardCharsets.UTF_8));
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("scheduling timeline: " + dir.resolve("t.html"))
                .contains("ui.perfetto.dev");
        assertThat(java.nio.file.Files.readString(dir.resolve("t.html"))).contains("<title>aio4j timeline</title>")
                .contains("\"thread_name\"");
        assertThat(java.nio.file.Files.readString(dir.resolve("t.json"))).startsWith("{\"displayTimeUnit\"")
                .contains("\"cat\":\"step\"");
    }

    @Test
    void everyDemoIsListed() {
        assertThat(Main.demos()).containsOnlyKeys("coroutine-object", "sequential-vs-gather", "create-task",
                "api-calls-with-timeout", "task-group", "queue-workers", "echo", "async-generators",
                "blocking-read-timeout", "run-coroutine-threadsafe", "http-fetcher", "database-pool");
    }

    /** Real sockets, so real time: the order of events is checked, not their times. */
    @Test
    void echoClientTimesOutOnTheSlowAnswerAndTheServerDropsTheIdleClient() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        EchoDemo.run(out, org.aio4j.Aio::run);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).containsSubsequence(
                "server: listening on 127.0.0.1:",
                "client: 'hello' -> 'HELLO'",
                "client: 'slow query' -> no answer within 0.5 s",
                "client: 'after the timeout' -> 'SLOW QUERY'",
                "client: next line is 'AFTER THE TIMEOUT'",
                "server: client /127.0.0.1:",
                "silent for 1.0 s, hanging up",
                "client: server closed the connection (0 more bytes)",
                "server: closed");
    }

    private static String captureRealTime(java.util.function.BiConsumer<PrintStream, DemoRunner> demo) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        demo.accept(out, org.aio4j.Aio::run); // threads do not follow a virtual clock
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTimeoutAroundABlockingReadOnAThreadStopsItAfterOneSecond() {
        String out = captureRealTime(ThreadsDemo::blockingReadUnderTimeout);
        assertThat(out).contains("read(pipe) on a worker thread, within timeout(1.0)")
                .contains("TimeoutError; the worker was interrupted (ClosedByInterruptException) and has returned")
                .containsPattern("total: 1\\.[0-4]\\d s");
    }

    @Test
    void aPlainThreadCollectsTheResultsOfTheCoroutinesItSubmitted() {
        String out = captureRealTime(ThreadsDemo::plainThreadSubmitsCoroutines);
        assertThat(out).contains("collected [order-1: shipped, order-2: shipped, order-3: shipped]")
                .containsPattern("total: 0\\.[3-6]\\d s");
    }

    /** A real local HTTP server, so real time: the outcomes and the two totals, with wide tolerances. */
    @Test
    void httpFetcherHandlesEachOutcomeAndConcurrentlyTakesAboutTheLimit() {
        String out = captureRealTime(HttpFetcherDemo::run);
        assertThat(out).containsSubsequence(
                "one after another:",
                "/users: 200 {\"endpoint\": \"/users\"}",
                "/orders: 200",
                "/products: 200",
                "/reviews: 200",
                "/billing: failed with HTTP 500",
                "/reports: timed out after 0.8 s (the exchange was cancelled)",
                "all at once (gather):",
                "outcomes: [ok, ok, ok, ok, error, timeout]");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("sequential: (\\d+\\.\\d+) s; concurrent: (\\d+\\.\\d+) s").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        double sequential = Double.parseDouble(m.group(1));
        double concurrent = Double.parseDouble(m.group(2));
        assertThat(sequential).isBetween(2.3, 6.0);   // the sum: 1.5 s of answers + the 0.8 s limit
        assertThat(concurrent).isBetween(0.79, 2.0);  // the limit
    }

    /** A real PostgreSQL, so real time: the waves of the pool and the cancelled report, with wide tolerances. */
    @Test
    void databasePoolRunsFiftyLookupsInWavesOfThePoolSizeAndTheTimeoutCancelsTheSlowQueryOnTheServer() {
        String out = captureRealTime(DatabasePoolDemo::run);
        assertThat(out).containsSubsequence(
                "started a throwaway PostgreSQL on 127.0.0.1:",
                "gathered 50 users: user-1 ... user-50",
                "at most 10 connections open",
                "the 5 s report query timed out after 0.5 s; queries still running on the server: 0",
                "pool closed: 0 connections open");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("50 lookups in (\\d+\\.\\d+) s .* the ticker ticked (\\d+) times").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isBetween(0.49, 3.0); // 5 waves of 0.1 s
        assertThat(Integer.parseInt(m.group(2))).isGreaterThanOrEqualTo(5);
    }
}
