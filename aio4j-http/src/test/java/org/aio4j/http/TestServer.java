package org.aio4j.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP/1.1 server on loopback (the JDK's com.sun.net.httpserver), a virtual thread per
 * exchange, with the routes the tests need and counters of what it saw.
 */
final class TestServer implements AutoCloseable {
    final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** Requests seen, all routes. */
    final AtomicInteger requests = new AtomicInteger();
    /** /slow: exchanges in their handler now, and the most at once. */
    final AtomicInteger current = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    /** /big: bytes handed to the connection so far. */
    final AtomicLong bigWritten = new AtomicLong();
    /** /drip: exchanges whose writes failed because the client went away, and those that ended. */
    final AtomicInteger dripAborted = new AtomicInteger();
    final AtomicInteger dripEnded = new AtomicInteger();

    private TestServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static TestServer start() throws IOException {
        return new TestServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024));
    }

    static TestServer startTls(SSLContext context) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        s.setHttpsConfigurator(new HttpsConfigurator(context));
        return new TestServer(s);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port/path} (https for a TLS server, with host {@code localhost}). */
    String url(String path) {
        return server instanceof HttpsServer ? "https://localhost:" + port() + path : "http://127.0.0.1:" + port() + path;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        return q;
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        Map<String, String> q = query(ex.getRequestURI());
        String path = ex.getRequestURI().getPath();
        try (ex) {
            switch (path) {
                case "/hello" -> text(ex, 200, "text/plain; charset=UTF-8", "hello");
                case "/echo" -> {
                    byte[] in = ex.getRequestBody().readAllBytes();
                    String type = ex.getRequestHeaders().getFirst("Content-Type");
                    String extra = ex.getRequestHeaders().getFirst("X-Extra");
                    ex.getResponseHeaders().add("X-Seen-Content-Type", String.valueOf(type));
                    ex.getResponseHeaders().add("X-Seen-Extra", String.valueOf(extra));
                    text(ex, 200, "text/plain; charset=UTF-8", ex.getRequestMethod() + " " + new String(in, StandardCharsets.UTF_8));
                }
                case "/status" -> text(ex, Integer.parseInt(q.get("code")), "text/plain", "status " + q.get("code"));
                case "/redirect" -> {
                    ex.getResponseHeaders().add("Location", "/hello");
                    ex.sendResponseHeaders(302, -1);
                }
                case "/loop" -> {
                    ex.getResponseHeaders().add("Location", "/loop");
                    ex.sendResponseHeaders(302, -1);
                }
                case "/json" -> text(ex, 200, "application/json", "\uFEFF{\"id\": 7, \"name\": \"Zoë\"}");
                case "/latin1" -> {
                    byte[] b = "café".getBytes(StandardCharsets.ISO_8859_1);
                    ex.getResponseHeaders().add("Content-Type", "text/plain; charset=ISO-8859-1");
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                }
                case "/slow" -> {
                    int now = current.incrementAndGet();
                    maxConcurrent.accumulateAndGet(now, Math::max);
                    try {
                        Thread.sleep(Long.parseLong(q.getOrDefault("ms", "50")));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        current.decrementAndGet();
                    }
                    text(ex, 200, "text/plain", "slow " + q.getOrDefault("id", ""));
                }
                case "/big" -> {
                    long total = Long.parseLong(q.get("mb")) << 20;
                    ex.sendResponseHeaders(200, total);
                    byte[] chunk = new byte[64 << 10];
                    OutputStream out = ex.getResponseBody();
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        out.write(chunk);
                        bigWritten.addAndGet(chunk.length);
                    }
                }
                case "/drip" -> {
                    int chunks = Integer.parseInt(q.getOrDefault("chunks", "100"));
                    long ms = Long.parseLong(q.getOrDefault("ms", "20"));
                    try {
                        ex.sendResponseHeaders(200, 0);
                        OutputStream out = ex.getResponseBody();
                        for (int i = 0; i < chunks; i++) {
                            out.write(("drip " + i + "\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            Thread.sleep(ms);
                        }
                    } catch (IOException e) {
                        dripAborted.incrementAndGet();
                        throw e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        dripEnded.incrementAndGet();
                    }
                }
                default -> text(ex, 404, "text/plain", "no route " + path);
            }
        }
    }

    private static void text(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
