package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests and options: validation with messages that say what to pass, immutability. */
class RequestTest {
    @Test
    void factoriesSetMethodBodyAndContentType() {
        Request json = Request.postJson("http://h/x", "{}");
        assertThat(json.method()).isEqualTo("POST");
        assertThat(json.headers()).containsEntry("Content-Type", List.of("application/json"));
        assertThat(json.body()).isEqualTo("{}".getBytes());
        assertThat(Request.get("https://h/x").body()).isNull();
        assertThat(Request.get("https://h/x")).hasToString("GET https://h/x");
        assertThat(Request.get("https://h/x").timeout()).isNull();
    }

    @Test
    void withHeaderReplacesCaseInsensitivelyAndWithAddedHeaderAppends() {
        Request r = Request.get("http://h/").withHeader("Accept", "a").withHeader("accept", "b")
                .withAddedHeader("ACCEPT", "c");
        assertThat(r.headers()).containsExactly(java.util.Map.entry("accept", List.of("b", "c")));
    }

    @Test
    void theBodyIsCopiedInAndOut() {
        byte[] body = {1, 2};
        Request r = Request.post("http://h/", body);
        body[0] = 9;
        assertThat(r.body()).containsExactly(1, 2);
        r.body()[1] = 9;
        assertThat(r.body()).containsExactly(1, 2);
    }

    @Test
    void requestsAreImmutableValues() {
        Request a = Request.get("http://h/").withTimeout(2.0).withVersion(HttpClient.Version.HTTP_1_1);
        assertThat(a).isEqualTo(Request.get("http://h/").withTimeout(2.0).withVersion(HttpClient.Version.HTTP_1_1));
        assertThat(a.hashCode()).isEqualTo(Request.get("http://h/").withTimeout(2.0)
                .withVersion(HttpClient.Version.HTTP_1_1).hashCode());
        assertThat(a).isNotEqualTo(a.withTimeout(3.0));
    }

    @Test
    void badUrlsAreRefusedSayingWhatToPass() {
        assertThatThrownBy(() -> Request.get("ftp://h/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an http or https URL");
        assertThatThrownBy(() -> Request.get("/relative")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute URL");
        assertThatThrownBy(() -> Request.get("http://h/a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percent-encode");
        assertThatThrownBy(() -> Request.of("GE T", "http://h/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersThatWouldSplitTheRequestAreRefused() {
        assertThatThrownBy(() -> Request.get("http://h/").withHeader("X", "a\r\nEvil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains CR or LF");
        assertThatThrownBy(() -> Request.get("http://h/").withHeader("", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersTheJdkSetsItselfAreNamedWhenSent() {
        assertThatThrownBy(() -> Requests.toJdk(Request.get("http://h/").withHeader("Host", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header 'Host' cannot be set")
                .hasMessageContaining("remove it from the request");
    }

    @Test
    void timeoutsAndLimitsAreChecked() {
        assertThatThrownBy(() -> Request.get("http://h/").withTimeout(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive number of seconds");
        assertThatThrownBy(() -> ClientOptions.DEFAULT.withTimeout(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientOptions.DEFAULT.withMaxConnections(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 means no limit");
        assertThat(ClientOptions.DEFAULT.withTimeout(Double.POSITIVE_INFINITY)).isEqualTo(ClientOptions.DEFAULT);
    }

    @Test
    void theOriginMakesThePortExplicit() {
        assertThat(Requests.origin(Request.get("http://Example.org/x").url())).isEqualTo("http://example.org:80");
        assertThat(Requests.origin(Request.get("https://example.org/x").url())).isEqualTo("https://example.org:443");
        assertThat(Requests.origin(Request.get("http://example.org:8080/x").url())).isEqualTo("http://example.org:8080");
    }
}
