/**
 * aio4j's HTTP client: an httpx-like surface for coroutines ({@link org.aio4j.http.AsyncClient}) on
 * the JDK's {@code java.net.http.HttpClient}. Built only on the public API of {@code org.aio4j},
 * {@code org.aio4j.lowlevel} and {@code org.aio4j.sync}.
 */
module org.aio4j.http {
    requires transitive org.aio4j;
    requires transitive java.net.http;
    exports org.aio4j.http;
}
