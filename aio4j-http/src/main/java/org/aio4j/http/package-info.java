/**
 * An HTTP client for coroutines, shaped like Python's httpx: {@link org.aio4j.http.AsyncClient}
 * sends {@link org.aio4j.http.Request}s and returns {@link org.aio4j.http.Response}s, on the JDK's
 * {@code java.net.http.HttpClient}.
 *
 * <ul>
 *   <li><b>Calls</b>: {@code get}, {@code post}, {@code send} (the body read into memory) and
 *       {@code stream} (the body read as an async generator of chunks, with backpressure).</li>
 *   <li><b>Timeouts</b> are aio4j timeout scopes ({@link org.aio4j.TimeoutError}); cancelling the
 *       waiting task cancels the exchange and closes its connection.</li>
 *   <li><b>Limits</b>: requests in flight per client and per origin, on aio4j semaphores.</li>
 *   <li><b>Errors</b>: {@link org.aio4j.http.HttpError} and its subclasses
 *       {@link org.aio4j.http.ConnectError}, {@link org.aio4j.http.ReadError},
 *       {@link org.aio4j.http.HttpStatusError}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * The coroutine calls run on their event loop's thread and suspend the calling task; the JDK's
 * client threads do the I/O and hand every result to the loop through its thread-safe inbox. Only
 * the public API of {@code org.aio4j}, {@code org.aio4j.lowlevel} and {@code org.aio4j.sync} is used.
 */
package org.aio4j.http;
