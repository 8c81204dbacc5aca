package org.aio4j.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.TimeoutError;
import org.aio4j.lowlevel.Lowlevel;

/**
 * An HTTP client for coroutines, httpx's {@code AsyncClient} on the JDK's
 * {@link java.net.http.HttpClient}: HTTP/1.1 and HTTP/2, TLS with the JDK's trust store (or your
 * {@link javax.net.ssl.SSLContext}), connection pooling, redirects.
 *
 * <pre>{@code
 * try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(5.0))) {
 *     Response r = client.get("https://api.example.org/users/7").raiseForStatus();
 *     String json = r.jsonText();
 * }
 * }</pre>
 *
 * <h2>Waiting, timeouts, cancellation</h2>
 * {@link #get}, {@link #post}, {@link #send} and {@link #stream} are coroutine calls: they suspend
 * the calling task (never the loop) until the response is there, and must be called inside a
 * coroutine. Each exchange runs inside an aio4j timeout scope of the request's timeout (else the
 * client's, {@link ClientOptions#timeout}): on expiry the exchange is cancelled and the call throws
 * {@link TimeoutError}. Cancelling the waiting task, or a surrounding {@code Aio.timeout}, cancels
 * the exchange the same way: the JDK aborts it and closes its connection, the client's permits are
 * released, and nothing keeps running for it.
 *
 * <h2>Limits</h2>
 * {@link ClientOptions#maxConnections} and {@link ClientOptions#maxConnectionsPerHost} bound the
 * exchanges in flight, with aio4j semaphores: a call first waits (FIFO) for a permit of its origin,
 * then for one of the client, and gives them back when its response's body has been read (for
 * {@link #stream}: read to the end, failed, or closed). The limits belong to one event loop at a time.
 *
 * <h2>Errors</h2>
 * {@link ConnectError} when no connection could be made (TLS included), {@link ReadError} when it
 * failed during the exchange, {@link HttpError} otherwise; an HTTP error status is a normal
 * response until {@link Response#raiseForStatus()}.
 *
 * <h2>Threads and lifecycle</h2>
 * The coroutine calls run on their loop's thread; the JDK's own threads do the I/O and hand the
 * results to the loop. A client may be shared by the tasks of its loop. {@link #close()} ends it:
 * exchanges in flight are aborted and later calls throw {@link IllegalStateException}.
 */
public final class AsyncClient implements AutoCloseable {
    /*
     * Awaiting: HttpClient.sendAsync returns a CompletableFuture; the task awaits a plain proxy of it
     * with Aio.await (the loop-safe bridge: the result is handed to the loop through its inbox, and
     * the bridge tells the loop work is in flight outside it). Cancelling the await cancels the proxy,
     * and the proxy's completion handler then calls cancel(true) on the JDK's future: only
     * cancel(true) makes the JDK abort the exchange (since JDK 16), and the core's bridge cancels with
     * cancel(false), as asyncio's wrap_future does.
     *
     * A streamed exchange whose response arrives just as the task gives up (cancelled, timed out)
     * would leave an unread body holding its connection: the failure path subscribes a cancelling
     * subscriber to whatever response the JDK still produces.
     *
     * The JDK's own request timeout is not used: one aio4j scope is the deadline, so an expired
     * exchange raises aio4j's TimeoutError like every other await, and an outer Aio.timeout composes.
     *
     * Lifecycle: OPEN -> CLOSED (close(), once; later calls throw naming the state).
     */
    private enum Lifecycle { OPEN, CLOSED }

    private final ClientOptions options;
    private final HttpClient jdk;
    private final Limits limits;
    // any thread
    private volatile Lifecycle lifecycle = Lifecycle.OPEN;

    private AsyncClient(ClientOptions options) {
        this.options = options;
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(options.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .version(options.version());
        if (options.sslContext() != null) {
            b.sslContext(options.sslContext());
        }
        this.jdk = b.build();
        this.limits = new Limits(options.maxConnections(), options.maxConnectionsPerHost());
    }

    /** A client with {@link ClientOptions#DEFAULT}. Any thread. */
    public static AsyncClient create() {
        return new AsyncClient(ClientOptions.DEFAULT);
    }

    /** A client with {@code options}. Any thread. */
    public static AsyncClient create(ClientOptions options) {
        if (options == null) {
            throw new NullPointerException("AsyncClient.create(null): pass ClientOptions.DEFAULT or changed options");
        }
        return new AsyncClient(options);
    }

    /** The client's options. */
    public ClientOptions options() {
        return options;
    }

    /** A GET of {@code url}, its body read; see {@link #send}. */
    public Response get(String url) {
        return send(Request.get(url));
    }

    /** A POST of {@code body} (UTF-8 text) to {@code url}, the response's body read; see {@link Request#post(String, String)}. */
    public Response post(String url, String body) {
        return send(Request.post(url, body));
    }

    /** A POST of {@code body} to {@code url}, the response's body read; see {@link Request#post(String, byte[])}. */
    public Response post(String url, byte[] body) {
        return send(Request.post(url, body));
    }

    /**
     * Sends {@code request} and returns its response with the body read into memory (httpx's
     * {@code send}). A status of 4xx or 5xx is returned, not thrown: see {@link Response#raiseForStatus()}.
     *
     * @throws ConnectError          if no connection could be made
     * @throws ReadError             if the connection failed during the exchange
     * @throws HttpError             for other failures of the exchange (too many redirects)
     * @throws TimeoutError          if the exchange took longer than its timeout (it was cancelled)
     * @throws CancelledError        if the task was cancelled (the exchange was cancelled)
     * @throws IllegalStateException outside a coroutine, or when the client is closed
     */
    public Response send(Request request) {
        checkOpen(request);
        Limits.Permit permit = limits.acquire(Requests.origin(request.url()));
        try {
            HttpResponse<byte[]> r = exchange(request, HttpResponse.BodyHandlers.ofByteArray(), null);
            checkRedirects(request, r);
            return Response.buffered(request, r);
        } finally {
            permit.release();
        }
    }

    /**
     * Sends {@code request} and returns its response as soon as the headers have arrived, the body
     * still to be read with {@link Response#chunks()} or {@link Response#bytes()} (httpx's
     * {@code client.stream(...)}). The timeout covers the exchange up to the headers; the body's
     * reads wait as long as the caller lets them. The response holds its connection and permits until
     * its body is read to the end or it is closed: use it in try-with-resources.
     *
     * @throws ConnectError          if no connection could be made
     * @throws ReadError             if the connection failed before the headers arrived
     * @throws TimeoutError          if the headers took longer than the timeout (the exchange was cancelled)
     * @throws CancelledError        if the task was cancelled (the exchange was cancelled)
     * @throws IllegalStateException outside a coroutine, or when the client is closed
     */
    public Response stream(Request request) {
        checkOpen(request);
        Limits.Permit permit = limits.acquire(Requests.origin(request.url()));
        boolean handedOut = false;
        try {
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = exchange(request,
                    HttpResponse.BodyHandlers.ofPublisher(), AsyncClient::discard);
            try {
                checkRedirects(request, r);
            } catch (HttpError e) {
                discard(r);
                throw e;
            }
            EventLoop loop = Aio.runningLoop();
            BodyStream body = new BodyStream(loop);
            r.body().subscribe(body);
            handedOut = true;
            return Response.streaming(request, r, body, permit, loop);
        } finally {
            if (!handedOut) {
                permit.release();
            }
        }
    }

    /**
     * Closes the client: exchanges in flight are aborted (their calls fail) and its connections
     * closed; the JDK's threads of the client end shortly after. Returns at once; idempotent; any thread.
     */
    @Override
    public void close() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        lifecycle = Lifecycle.CLOSED;
        jdk.shutdownNow();
    }

    /** {@code AsyncClient[OPEN, options]}. */
    @Override
    public String toString() {
        return "AsyncClient[" + lifecycle + ", " + options + "]";
    }

    // ================================================================ internals

    private void checkOpen(Request request) {
        if (request == null) {
            throw new NullPointerException("send(null): pass a Request, e.g. Request.get(url)");
        }
        if (lifecycle != Lifecycle.OPEN) {
            throw new IllegalStateException("cannot send " + request + ": the AsyncClient is " + lifecycle
                    + "; make a new one (AsyncClient.create) or send before close()");
        }
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("cannot send " + request + " outside a coroutine: the client's calls wait"
                    + " for the response by suspending the calling task; call them inside Aio.run(Aio.async(...))"
                    + " or a task");
        }
    }

    /**
     * Runs one exchange in the request's timeout scope and returns the JDK's response; on any failure
     * the JDK's exchange is cancelled, and a response it still produces is handed to {@code discard}.
     */
    private <T> HttpResponse<T> exchange(Request request, HttpResponse.BodyHandler<T> handler,
            Consumer<HttpResponse<T>> discard) {
        HttpRequest jr = Requests.toJdk(request);
        boolean own = request.timeout() != null;
        double seconds = own ? request.timeout() : options.timeout();
        CompletableFuture<HttpResponse<T>> cf;
        try {
            cf = jdk.sendAsync(jr, handler);
        } catch (IllegalStateException shutDown) {
            throw new IllegalStateException("cannot send " + request + ": the AsyncClient is closed; make a new one",
                    shutDown);
        }
        CompletableFuture<HttpResponse<T>> proxy = new CompletableFuture<>();
        cf.whenComplete((v, e) -> {
            if (e != null) {
                proxy.completeExceptionally(e);
            } else {
                proxy.complete(v);
            }
        });
        proxy.whenComplete((v, e) -> {
            if (proxy.isCancelled()) {
                cf.cancel(true);
            }
        });
        boolean ok = false;
        try {
            HttpResponse<T> r = Aio.timeout(seconds, () -> Aio.await(proxy));
            ok = true;
            return r;
        } catch (TimeoutError e) {
            throw new TimeoutError(request + ": no " + (discard == null ? "complete response" : "response headers")
                    + " within " + seconds + " s (the " + (own ? "request's" : "client's") + " timeout); the exchange"
                    + " was cancelled. If the server is just slow, raise the timeout ("
                    + (own ? "Request.withTimeout" : "ClientOptions.withTimeout") + ")", e);
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw (RuntimeException) e;
            }
            throw Errors.map(request, e, false);
        } finally {
            if (!ok) {
                cf.cancel(true);
                if (discard != null) {
                    cf.thenAccept(discard);
                }
            }
        }
    }

    /**
     * With redirects followed, a final answer that is still a redirect means the JDK gave up: more
     * hops than it follows (5), or https to http, which it never follows. httpx raises
     * TooManyRedirects there; the JDK returns the redirect.
     */
    private void checkRedirects(Request request, HttpResponse<?> r) {
        int s = r.statusCode();
        boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
        if (options.followRedirects() && redirect && r.headers().firstValue("Location").isPresent()) {
            throw new HttpError(request, request + ": too many redirects: " + r.uri() + " still redirects (HTTP " + s
                    + " to '" + r.headers().firstValue("Location").get() + "') after the hops the client follows (at"
                    + " most 5, and never from https to http); the server redirects in a loop, or request the final"
                    + " URL yourself", null);
        }
    }

    /** Cancels the unread body of a streamed response nobody will read. */
    private static void discard(HttpResponse<Flow.Publisher<List<ByteBuffer>>> r) {
        r.body().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
    }
}
