package org.aio4j.http;

import java.io.ByteArrayOutputStream;
import java.lang.ref.Cleaner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.aio4j.Aio;
import org.aio4j.AsyncGenerator;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;

/**
 * An HTTP response: status, headers, HTTP version, final URL, and its body.
 *
 * <p>From {@link AsyncClient#send} (and {@code get}, {@code post}) the body has been read into
 * memory: {@link #bytes()}, {@link #text()} and {@link #jsonText()} return at once. From
 * {@link AsyncClient#stream} only the headers have arrived and the body is read as it is used,
 * either all at once with {@link #bytes()} (which then waits) or chunk by chunk with
 * {@link #chunks()}, an async generator with backpressure: the next chunk is requested from the
 * connection only when the loop asks for it. A streamed response holds its connection and its
 * permits of the client's limits until its body has been read to the end, failed, or the response
 * is closed (or, as a last resort, soon after it is garbage-collected), so use it in
 * try-with-resources:
 *
 * <pre>{@code
 * try (Response r = client.stream(Request.get(url))) {
 *     r.raiseForStatus();
 *     for (byte[] chunk : r.chunks()) {     // async for chunk in r.aiter_bytes()
 *         sink.write(chunk);
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle and threads</h2>
 * The body can be read one way: a buffered response any number of times; a streamed one either by
 * {@code bytes()} (after which it is buffered) or by one {@code chunks()} generator. Reading it
 * another way, or after {@link #close()}, throws {@link IllegalStateException} saying which. The
 * metadata methods may be called from any thread; the body methods belong to the loop the response
 * was made on and must be called in a coroutine of it (those that wait) or on its thread.
 */
public final class Response implements AutoCloseable {
    /*
     * Body states (loop thread only), the transitions:
     *
     *   BUFFERED <-------- bytes() ---- STREAMING ---- chunks() ----> ITERATING --- end ---> DRAINED
     *                                       |                              |
     *                                       +---- close(), error ----------+---- close(), error, break+close --> CLOSED
     *
     * BUFFERED is final too (close() keeps the bytes). The permit (the client's limits) is released
     * on entering BUFFERED from STREAMING, DRAINED or CLOSED, exactly once (Permit.release is
     * idempotent).
     */
    private enum Body { BUFFERED, STREAMING, ITERATING, DRAINED, CLOSED }

    /*
     * A streamed response dropped without being read or closed would hold its connection and permits
     * for as long as the JDK keeps the connection: a cleaner cancels its body and releases its permits
     * (on the loop) once the response is unreachable. Its action holds the stream, the permit and the
     * loop, never the response; after a normal end both steps are no-ops.
     */
    private static final Cleaner CLEANER = Cleaner.create();

    private final Request request;
    private final HttpResponse<?> jdk;

    // loop thread only
    private Body state;
    private byte[] body;
    private final BodyStream stream;
    private final Limits.Permit permit;
    /** Why a streamed body ended in CLOSED: closed, its generator stopped, or the failure's message. */
    private String closedBecause;

    private Response(Request request, HttpResponse<?> jdk, byte[] body, BodyStream stream, Limits.Permit permit) {
        this.request = request;
        this.jdk = jdk;
        this.body = body;
        this.stream = stream;
        this.permit = permit;
        this.state = stream == null ? Body.BUFFERED : Body.STREAMING;
    }

    static Response buffered(Request request, HttpResponse<byte[]> jdk) {
        return new Response(request, jdk, jdk.body() == null ? new byte[0] : jdk.body(), null, null);
    }

    static Response streaming(Request request, HttpResponse<?> jdk, BodyStream stream, Limits.Permit permit,
            EventLoop loop) {
        Response r = new Response(request, jdk, null, stream, permit);
        CLEANER.register(r, new Abandoned(stream, permit, loop));
        return r;
    }

    /** The cleaner's action for a streamed response that became unreachable. Runs on the cleaner's thread. */
    private record Abandoned(BodyStream stream, Limits.Permit permit, EventLoop loop) implements Runnable {
        @Override
        public void run() {
            if (!stream.finished()) {
                stream.cancel();
            }
            try {
                loop.callSoonThreadsafe(permit::release);
            } catch (IllegalStateException closed) {
                // the loop is gone, and its semaphores with it
            }
        }
    }

    // ================================================================ metadata (any thread)

    /** The status code, e.g. 200. */
    public int status() {
        return jdk.statusCode();
    }

    /** The response's headers (names case-insensitive). */
    public HttpHeaders headers() {
        return jdk.headers();
    }

    /** The first value of header {@code name}, or null if the response has none. */
    public String header(String name) {
        return jdk.headers().firstValue(name).orElse(null);
    }

    /** The HTTP version the exchange used: {@code HTTP_1_1} or {@code HTTP_2}. */
    public HttpClient.Version version() {
        return jdk.version();
    }

    /** The URL this response came from: the request's, or the last one redirected to. */
    public URI url() {
        return jdk.uri();
    }

    /** The request as it was sent (before redirects). */
    public Request request() {
        return request;
    }

    /** Whether the status is 2xx (httpx's {@code is_success}). */
    public boolean isSuccess() {
        return status() >= 200 && status() < 300;
    }

    /**
     * Returns this response if its status is 2xx; otherwise throws {@link HttpStatusError} naming the
     * status, the request and, for a redirect, where it points (httpx's {@code raise_for_status}).
     * Does not read a streamed body.
     */
    public Response raiseForStatus() {
        int s = status();
        if (isSuccess()) {
            return this;
        }
        String kind;
        String hint;
        if (s >= 300 && s < 400) {
            kind = "redirect";
            String to = header("Location");
            hint = "it points to " + (to == null ? "no Location" : "'" + to + "'")
                    + "; follow redirects (ClientOptions.withFollowRedirects(true)) or request that URL";
        } else if (s >= 400 && s < 500) {
            kind = "client error";
            hint = "the server refused the request: check the URL, the method, the headers and the body";
        } else if (s >= 500 && s < 600) {
            kind = "server error";
            hint = "the server failed to answer; retrying later may help";
        } else {
            kind = "informational";
            hint = "not a final answer";
        }
        throw new HttpStatusError(this, "HTTP " + s + " (" + kind + ") from " + request.method() + " " + url()
                + ": " + hint);
    }

    // ================================================================ body (loop thread)

    /**
     * The whole body. A buffered response returns a copy at once; a streamed one reads the rest of
     * its body first (waiting, in a coroutine; the exchange's timeout does not cover this: wrap the
     * call in {@code Aio.timeout} for a limit) and is buffered afterwards.
     *
     * @throws ReadError             if the connection fails before the body is complete
     * @throws IllegalStateException if the body was read by {@link #chunks()} or the response was
     *                               closed before its body was read
     * @throws CancelledError        if the task is cancelled while reading (the response is then closed)
     */
    public byte[] bytes() {
        switch (state) {
            case BUFFERED -> {
                return body.clone();
            }
            case STREAMING -> {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                state = Body.ITERATING;
                boolean ok = false;
                try {
                    byte[] c;
                    while ((c = nextChunk()) != null) {
                        all.writeBytes(c);
                    }
                    ok = true;
                } finally {
                    if (!ok) {
                        end(false, "failed or was cancelled while bytes() read it");
                    }
                }
                body = all.toByteArray();
                state = Body.BUFFERED;
                permit.release();
                return body.clone();
            }
            default -> throw unreadable("bytes()");
        }
    }

    /**
     * The body as text, decoded with the charset of the {@code Content-Type} header, UTF-8 if it names
     * none (or one the JDK does not know). A streamed body is read first, as {@link #bytes()} does.
     */
    public String text() {
        return new String(bytes(), charset());
    }

    /**
     * The body as JSON text, for the JSON parser of your choice: decoded as UTF-8 (RFC 8259 requires
     * it), a leading byte order mark dropped. A streamed body is read first, as {@link #bytes()} does.
     */
    public String jsonText() {
        String s = new String(bytes(), StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /**
     * The body as an async generator of chunks, in order, each a non-empty array (httpx's
     * {@code aiter_bytes()}). For a streamed response each chunk is requested from the connection
     * when the generator is asked for it, and not before: a slow consumer slows the server down
     * instead of filling memory. For a buffered response the generator yields the body once (if it
     * is not empty).
     *
     * <p>The generator ends at the end of the body, which releases the response's connection and
     * permits. Closing the generator early ({@code take}, {@code aclose}, try-with-resources) or a
     * {@link CancelledError} of the consuming task cancels the rest of the body and closes the
     * connection; a failure of the connection throws {@link ReadError} from the generator.
     *
     * @throws IllegalStateException if the body was already read, is being read, or the response was closed
     */
    public AsyncGenerator<byte[]> chunks() {
        if (state == Body.BUFFERED) {
            byte[] all = body;
            return Aio.asyncGenerator("body of " + request, out -> {
                if (all.length > 0) {
                    out.yield(all.clone());
                }
            });
        }
        if (state != Body.STREAMING) {
            throw unreadable("chunks()");
        }
        state = Body.ITERATING;
        return Aio.asyncGenerator("body of " + request, out -> {
            boolean ended = false;
            try {
                byte[] c;
                while ((c = nextChunk()) != null) {
                    out.yield(c);
                }
                ended = true;
            } finally {
                end(ended, "its chunks() generator was closed or failed before the end of the body");
            }
        });
    }

    /**
     * Closes the response: a streamed body not read to its end is cancelled, which closes its
     * connection, and the response's permits of the client's limits are released (a parked reader of
     * its body then fails with {@link IllegalStateException}). A buffered response keeps its body.
     * Idempotent; loop thread.
     */
    @Override
    public void close() {
        if (state == Body.STREAMING || state == Body.ITERATING) {
            end(false, "the response was closed");
        }
    }

    /** {@code <Response [200 HTTP_1_1] GET http://...>}. */
    @Override
    public String toString() {
        return "<Response [" + status() + " " + version() + "] " + request.method() + " " + url() + ">";
    }

    // ================================================================ internals

    private byte[] nextChunk() {
        try {
            return stream.next();
        } catch (CancelledError | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            HttpError mapped = Errors.map(request, t, true);
            end(false, mapped.getMessage());
            throw mapped;
        }
    }

    /** The streamed body is over: read to its end ({@code complete}) or cut short. Releases the permits. */
    private void end(boolean complete, String why) {
        if (state == Body.DRAINED || state == Body.CLOSED || state == Body.BUFFERED) {
            return;
        }
        if (complete) {
            state = Body.DRAINED;
        } else {
            state = Body.CLOSED;
            closedBecause = why;
            stream.cancel();
        }
        permit.release();
    }

    private IllegalStateException unreadable(String call) {
        return switch (state) {
            case ITERATING -> new IllegalStateException(call + ": the body of " + request + " is being read by its"
                    + " chunks() generator; read a body one way only (bytes()/text() or chunks())");
            case DRAINED -> new IllegalStateException(call + ": the body of " + request + " was already read by"
                    + " chunks(), which keeps nothing; call bytes() instead of chunks() to keep it");
            case CLOSED -> new IllegalStateException(call + ": the body of " + request + " is gone ("
                    + closedBecause + "); read the body before closing the response");
            default -> new IllegalStateException(call + ": body state " + state);
        };
    }

    private Charset charset() {
        String type = header("Content-Type");
        if (type != null) {
            for (String part : type.split(";")) {
                String p = part.strip();
                if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                    String name = p.substring(8).strip().replace("\"", "");
                    try {
                        return Charset.forName(name);
                    } catch (RuntimeException unknown) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
