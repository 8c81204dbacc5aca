package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.gather;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.aio4j.Coro;
import org.aio4j.TimeoutError;
import org.aio4j.http.AsyncClient;
import org.aio4j.http.ClientOptions;
import org.aio4j.http.HttpError;
import org.aio4j.http.HttpStatusError;
import org.aio4j.http.Response;

/**
 * The articles' concurrent API fetcher: six endpoints of a local HTTP server (started here, on
 * loopback, so the demo runs offline), fetched once one after another and once all at once, each
 * call limited to 0.8 s: one endpoint is too slow and times out, one answers 500; every outcome is
 * handled per call. Concurrently the batch takes about the limit, not the sum.
 */
final class HttpFetcherDemo {
    private HttpFetcherDemo() {
    }

    /** Seconds each call may take. */
    static final double LIMIT = 0.8;

    /** An endpoint of the demo's server: its path, how long it takes, the status it answers. */
    record Endpoint(String path, long millis, int status) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/users", 300, 200),
            new Endpoint("/orders", 500, 200),
            new Endpoint("/products", 200, 200),
            new Endpoint("/reviews", 400, 200),
            new Endpoint("/billing", 100, 500),     // fails
            new Endpoint("/reports", 2_000, 200));  // too slow for the limit

    /** The simulated API: each endpoint answers after its latency, with its status. */
    static HttpServer startServer(ExecutorService threads) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            for (Endpoint e : ENDPOINTS) {
                server.createContext(e.path(), ex -> answer(ex, e));
            }
            server.setExecutor(threads);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(HttpExchange ex, Endpoint e) throws IOException {
        try (ex) {
            try {
                Thread.sleep(e.millis());
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] body = ("{\"endpoint\": \"" + e.path() + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(e.status(), body.length);
            ex.getResponseBody().write(body);
        } catch (IOException gone) {
            // the client timed out and closed the connection
        }
    }

    /** One call under the limit, its outcome as a word: never throws (but cancellation). */
    static Coro<String> fetch(Timeline t, AsyncClient client, String base, String path) {
        return async("fetch " + path, () -> {
            try {
                Response r = client.get(base + path).raiseForStatus();
                t.log(path + ": " + r.status() + " " + r.jsonText());
                return "ok";
            } catch (TimeoutError e) {
                t.log(path + ": timed out after " + LIMIT + " s (the exchange was cancelled)");
                return "timeout";
            } catch (HttpStatusError e) {
                t.log(path + ": failed with HTTP " + e.status());
                return "error";
            } catch (HttpError e) {
                t.log(path + ": " + e.getMessage());
                return "error";
            }
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("11. An HTTP API fetcher: six endpoints, " + LIMIT + " s limit per call, sequential vs concurrent");
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = startServer(threads);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        // Made before the loop runs (any thread may): the first client of a JVM initialises the JDK's TLS.
        try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(LIMIT))) {
            double[] totals = runner.run(async(() -> {
                out.println("  one after another:");
                Timeline seq = Timeline.start(out);
                List<String> sequential = new ArrayList<>();
                for (Endpoint e : ENDPOINTS) {
                    sequential.add(await(fetch(seq, client, base, e.path())));
                }
                seq.log("outcomes: " + sequential);
                double sequentialTime = seq.elapsed();
                out.println("  all at once (gather):");
                Timeline con = Timeline.start(out);
                List<Coro<String>> calls = new ArrayList<>();
                for (Endpoint e : ENDPOINTS) {
                    calls.add(fetch(con, client, base, e.path()));
                }
                List<String> concurrent = await(gather(calls));
                con.log("outcomes: " + concurrent);
                return new double[] {sequentialTime, con.elapsed()};
            }));
            out.printf("  sequential: %.2f s; concurrent: %.2f s (%.1fx faster; the calls alone add up to 3.50 s)%n%n",
                    totals[0], totals[1], totals[0] / totals[1]);
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
