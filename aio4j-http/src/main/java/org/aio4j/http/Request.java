package org.aio4j.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request, for {@link AsyncClient#send} and {@link AsyncClient#stream}: a method, an
 * absolute http or https URL, headers, an optional body, and optionally its own timeout and HTTP
 * version. Immutable: the factories make one, the withers return changed copies.
 *
 * <pre>{@code
 * Request r = Request.postJson("https://api.example.org/orders", "{\"item\": 7}")
 *         .withHeader("Authorization", "Bearer " + token)
 *         .withTimeout(2.0);
 * Response created = client.send(r).raiseForStatus();
 * }</pre>
 *
 * Any thread; a request can be sent any number of times.
 */
public final class Request {
    /*
     * The body is copied in and never handed out, so a caller reusing its array cannot change a
     * request after the fact. Header names keep the caller's spelling (HTTP/2 lower-cases them on the
     * wire; the JDK does that); withHeader replaces every value of a name compared case-insensitively.
     */

    private final String method;
    private final URI url;
    /** Header name -> values, in insertion order; unmodifiable. */
    private final Map<String, List<String>> headers;
    /** The body, or null for none. */
    private final byte[] body;
    /** Seconds, or null for the client's timeout. */
    private final Double timeout;
    /** The HTTP version, or null for the client's. */
    private final HttpClient.Version version;

    private Request(String method, URI url, Map<String, List<String>> headers, byte[] body, Double timeout,
            HttpClient.Version version) {
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.body = body;
        this.timeout = timeout;
        this.version = version;
    }

    /**
     * A request with {@code method} (upper case by convention: GET, POST, PUT, DELETE, ...) to
     * {@code url}, without headers or body.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL, or
     *                                  {@code method} is empty or contains whitespace
     */
    public static Request of(String method, String url) {
        Objects.requireNonNull(method, "Request.of(null, url): pass the method, e.g. \"GET\"");
        if (method.isEmpty() || method.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("Request.of: the method must be a token like GET or POST, got '" + method + "'");
        }
        return new Request(method, Requests.parseUrl(url), Map.of(), null, null, null);
    }

    /** A GET of {@code url}; see {@link #of}. */
    public static Request get(String url) {
        return of("GET", url);
    }

    /** A POST of {@code body} to {@code url} (Content-Type {@code application/octet-stream}). */
    public static Request post(String url, byte[] body) {
        return of("POST", url).withBody(body).withHeader("Content-Type", "application/octet-stream");
    }

    /** A POST of {@code body} as UTF-8 text to {@code url} (Content-Type {@code text/plain; charset=UTF-8}). */
    public static Request post(String url, String body) {
        Objects.requireNonNull(body, "Request.post(url, null): pass the body, or use Request.of(\"POST\", url) for none");
        return of("POST", url).withBody(body.getBytes(StandardCharsets.UTF_8))
                .withHeader("Content-Type", "text/plain; charset=UTF-8");
    }

    /**
     * A POST of the JSON text {@code json} (encoded as UTF-8) to {@code url}, with Content-Type
     * {@code application/json} (httpx's {@code post(url, json=...)}, for text you serialized).
     */
    public static Request postJson(String url, String json) {
        Objects.requireNonNull(json, "Request.postJson(url, null): pass the JSON text");
        return of("POST", url).withBody(json.getBytes(StandardCharsets.UTF_8))
                .withHeader("Content-Type", "application/json");
    }

    /** The method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The URL. */
    public URI url() {
        return url;
    }

    /** The headers: name to values, in the order they were set; unmodifiable. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** A copy of the body, or null if the request has none. */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** The request's own timeout in seconds, or null when the client's applies. */
    public Double timeout() {
        return timeout;
    }

    /** The request's own HTTP version, or null when the client's applies. */
    public HttpClient.Version version() {
        return version;
    }

    /**
     * With header {@code name} set to {@code value}, replacing the values it had (names compare
     * case-insensitively, as HTTP's do).
     *
     * @throws IllegalArgumentException if the name is empty or either contains CR or LF
     */
    public Request withHeader(String name, String value) {
        Requests.checkHeader(name, value);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase(name)) {
                copy.put(k, v);
            }
        });
        copy.put(name, List.of(value));
        return new Request(method, url, Collections.unmodifiableMap(copy), body, timeout, version);
    }

    /** With one more value for header {@code name}, after those it has. */
    public Request withAddedHeader(String name, String value) {
        Requests.checkHeader(name, value);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        String existing = null;
        for (String k : headers.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                existing = k;
            }
        }
        headers.forEach(copy::put);
        List<String> values = new ArrayList<>(existing == null ? List.of() : headers.get(existing));
        values.add(value);
        copy.put(existing == null ? name : existing, List.copyOf(values));
        return new Request(method, url, Collections.unmodifiableMap(copy), body, timeout, version);
    }

    /** With {@code bytes} (copied) as the body; null for none. */
    public Request withBody(byte[] bytes) {
        return new Request(method, url, headers, bytes == null ? null : bytes.clone(), timeout, version);
    }

    /**
     * With its own timeout of {@code seconds} for the exchange, replacing the client's
     * ({@link ClientOptions#timeout} says what it covers); {@code Double.POSITIVE_INFINITY} for none.
     *
     * @throws IllegalArgumentException if {@code seconds} is NaN or not positive
     */
    public Request withTimeout(double seconds) {
        Requests.checkTimeout(seconds, "Request.withTimeout");
        return new Request(method, url, headers, body, seconds, version);
    }

    /** Asking for HTTP version {@code v} instead of the client's (null: the client's). */
    public Request withVersion(HttpClient.Version v) {
        return new Request(method, url, headers, body, timeout, v);
    }

    /** {@code GET http://host/path}: the method and URL, as error messages name a request. */
    @Override
    public String toString() {
        return method + " " + url;
    }

    /** Whether the request has a body (for the JDK request). */
    boolean hasBody() {
        return body != null;
    }

    /** The body itself, not copied (package use: handed to the JDK, which only reads it). */
    byte[] bodyUnsafe() {
        return body;
    }

    /** Equal when method, URL, headers, body, timeout and version are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Request r && r.method.equals(method) && r.url.equals(url) && r.headers.equals(headers)
                && Arrays.equals(r.body, body) && Objects.equals(r.timeout, timeout) && r.version == version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, url, headers, Arrays.hashCode(body), timeout, version);
    }
}
