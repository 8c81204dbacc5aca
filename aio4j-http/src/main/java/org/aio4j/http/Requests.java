package org.aio4j.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks and conversions for {@link Request}: URLs, headers, timeouts, the JDK's request. */
final class Requests {
    private Requests() {
    }

    static void checkTimeout(double seconds, String what) {
        if (Double.isNaN(seconds) || seconds <= 0) {
            throw new IllegalArgumentException(what + " must be a positive number of seconds (or"
                    + " Double.POSITIVE_INFINITY for none), got " + seconds);
        }
    }

    static URI parseUrl(String url) {
        if (url == null) {
            throw new NullPointerException("the URL is null: pass an absolute http:// or https:// URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: '" + url + "' (" + e.getReason() + " at index "
                    + e.getIndex() + "); percent-encode spaces and other reserved characters", e);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("'" + url + "' is not an http or https URL: pass an absolute URL"
                    + " such as http://127.0.0.1:8080/path");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' has no host: pass an absolute URL such as"
                    + " http://127.0.0.1:8080/path");
        }
        return uri;
    }

    static void checkHeader(String name, String value) {
        if (name == null || value == null) {
            throw new NullPointerException("a header needs a name and a value, got " + name + ": " + value);
        }
        if (name.isEmpty() || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("header name '" + name + "' is empty or contains CR, LF or ':'");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the value of header '" + name + "' contains CR or LF, which would"
                    + " split the request; pass one line");
        }
    }

    /** The origin a per-host limit counts: {@code scheme://host:port}, the port made explicit. */
    static String origin(URI url) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The JDK's request for {@code r}; no JDK timeout (the exchange runs in an aio4j timeout scope). */
    static HttpRequest toJdk(Request r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.url());
        b.method(r.method(), r.hasBody() ? HttpRequest.BodyPublishers.ofByteArray(r.bodyUnsafe())
                : HttpRequest.BodyPublishers.noBody());
        if (r.version() != null) {
            b.version(r.version());
        }
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            for (String v : h.getValue()) {
                try {
                    b.header(h.getKey(), v);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(r + ": header '" + h.getKey() + "' cannot be set ("
                            + e.getMessage() + "); the HTTP client sets it itself (Host, Connection, Content-Length,"
                            + " Expect, Upgrade): remove it from the request", e);
                }
            }
        }
        return b.build();
    }
}
