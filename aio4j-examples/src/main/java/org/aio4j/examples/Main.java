package org.aio4j.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.aio4j.Aio;

/**
 * The {@code aio4j} command: {@code aio4j demo [name...]} runs the demo programs, ports of the
 * classic asyncio article examples, each printing a timeline of what started and finished when.
 */
public final class Main {
    private Main() {
    }

    /** The demos, in the order {@code aio4j demo} runs them. */
    static Map<String, BiConsumer<PrintStream, DemoRunner>> demos() {
        Map<String, BiConsumer<PrintStream, DemoRunner>> demos = new LinkedHashMap<>();
        demos.put("coroutine-object", CoroutineObjectDemo::run);
        demos.put("sequential-vs-gather", SequentialVsGatherDemo::run);
        demos.put("create-task", CreateTaskDemo::run);
        demos.put("api-calls-with-timeout", ApiCallsWithTimeoutDemo::run);
        demos.put("task-group", TaskGroupDemo::run);
        demos.put("queue-workers", QueueWorkersDemo::run);
        demos.put("echo", EchoDemo::run);
        demos.put("async-generators", AsyncGeneratorDemo::run);
        demos.put("blocking-read-timeout", ThreadsDemo::blockingReadUnderTimeout);
        demos.put("run-coroutine-threadsafe", ThreadsDemo::plainThreadSubmitsCoroutines);
        demos.put("http-fetcher", HttpFetcherDemo::run);
        demos.put("database-pool", DatabasePoolDemo::run);
        return demos;
    }

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("demo")) {
            System.err.println("usage: aio4j demo [--trace FILE.html|FILE.json] [" + String.join("|", demos().keySet())
                    + "...]");
            System.exit(2);
        }
        List<String> wanted = new java.util.ArrayList<>(Arrays.asList(args).subList(1, args.length));
        java.nio.file.Path trace = null;
        int at = wanted.indexOf("--trace");
        if (at >= 0) {
            if (at + 1 >= wanted.size()) {
                System.err.println("aio4j: --trace needs a file: timeline.html (a page) or timeline.json (Perfetto)");
                System.exit(2);
            }
            trace = java.nio.file.Path.of(wanted.get(at + 1));
            wanted.remove(at + 1);
            wanted.remove(at);
        }
        Map<String, BiConsumer<PrintStream, DemoRunner>> demos = demos();
        for (String name : wanted) {
            if (!demos.containsKey(name)) {
                System.err.println("aio4j: no demo named '" + name + "'; demos: " + demos.keySet());
                System.exit(2);
            }
        }
        PrintStream out = System.out;
        out.println("aio4j demo -- Python's asyncio model on the JVM (strand mode: " + Aio.strandMode() + ")");
        out.println();
        org.aio4j.Timeline timeline = trace == null ? null : org.aio4j.Timeline.start();
        try {
            demos.forEach((name, demo) -> {
                if (wanted.isEmpty() || wanted.contains(name)) {
                    demo.accept(out, Aio::run);
                }
            });
        } finally {
            if (timeline != null) {
                timeline.stop();
            }
        }
        if (timeline != null) {
            writeTrace(timeline, trace, out);
        }
    }

    /** Writes the scheduling timeline of the run: Chrome trace JSON for a .json file, else an HTML page. */
    static void writeTrace(org.aio4j.Timeline timeline, java.nio.file.Path file, PrintStream out) {
        try {
            if (file.getFileName().toString().endsWith(".json")) {
                timeline.writeChromeTrace(file);
                out.println("scheduling timeline: " + file + " (open it in https://ui.perfetto.dev or chrome://tracing)");
            } else {
                timeline.writeHtml(file);
                out.println("scheduling timeline: " + file + " (open it in a browser: a lane per task)");
            }
        } catch (java.io.IOException e) {
            System.err.println("aio4j: could not write the timeline to " + file + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
