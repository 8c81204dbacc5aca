/**
 * Sockets on the event loop: asyncio's networking in Java case.
 *
 * <ul>
 *   <li><b>Streams</b> ({@link org.aio4j.net.Streams}, {@link org.aio4j.net.StreamReader},
 *       {@link org.aio4j.net.StreamWriter}): coroutine reads and writes with {@code drain()}
 *       backpressure; a server runs a handler task per connection.</li>
 *   <li><b>Transports and protocols</b> ({@link org.aio4j.net.Net}, {@link org.aio4j.net.Protocol},
 *       {@link org.aio4j.net.BufferedProtocol}, {@link org.aio4j.net.Transport},
 *       {@link org.aio4j.net.Server}): callbacks on the loop thread, no task per connection, the
 *       fast path.</li>
 *   <li><b>Datagrams</b> ({@link org.aio4j.net.Datagrams}, {@link org.aio4j.net.DatagramProtocol},
 *       {@link org.aio4j.net.DatagramTransport}): UDP endpoints with callbacks, as the stream
 *       transports.</li>
 *   <li><b>Socket coroutines</b> ({@link org.aio4j.net.Sockets}): {@code sockRecv},
 *       {@code sockSendall}, {@code sockConnect}, {@code sockAccept}, and for UDP
 *       {@code sockRecvfrom}, {@code sockRecvfromInto}, {@code sockSendto}, on your own non-blocking
 *       channels.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Everything here belongs to one event loop and runs on its thread: coroutine methods inside a task
 * of that loop, non-waiting methods also from its callbacks. No socket has a thread of its own:
 * they are watched by the loop's selector, through the public readiness API of
 * {@code org.aio4j.lowlevel} and {@link org.aio4j.EventLoop#addReader}/{@code addWriter}, which is
 * all this package uses of the kernel. Name resolution runs on the loop's default executor.
 *
 * <h2>Errors</h2>
 * Network failures are {@link java.io.IOException}s naming the address ({@link java.net.ConnectException},
 * {@link java.net.BindException}, {@link org.aio4j.net.ConnectionResetError},
 * {@link org.aio4j.net.IncompleteReadError}, {@link org.aio4j.net.LimitOverrunError}); misuse (a
 * negative limit, a write after {@code writeEof}, two readers at once) is an unchecked exception
 * whose message says what to do instead.
 */
package org.aio4j.net;
