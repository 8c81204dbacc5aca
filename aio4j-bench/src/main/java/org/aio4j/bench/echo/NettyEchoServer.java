package org.aio4j.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * The Netty reference server of the echo figure: NIO transport, one event-loop thread for accepting
 * and for every connection (as the single-threaded aio4j, asyncio and uvloop servers), and a handler
 * that writes each received {@code ByteBuf} back with {@code writeAndFlush}.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp aio4j-bench.jar org.aio4j.bench.echo.NettyEchoServer
 *     [--host H] [--port P] [--cert cert.pem --key key.pem] [--threads N] [--work-us W | --work-iterations K]
 * </pre>
 *
 * <p>{@code --threads N} (1 by default) sizes the event-loop group: Netty registers the listening
 * channel on one of its loops and the accepted channels on the group's loops round robin (the
 * {@code echo-group} figure). {@code --work-us W} adds W microseconds of CPU work per received
 * buffer before the echo ({@link CpuWork}).
 *
 * <p>With {@code --cert} and {@code --key} (PEM; the {@code tls-echo} figure) each connection gets
 * an {@code SslHandler} on the JDK provider ({@code SslProvider.JDK}: the same {@code SSLEngine} as
 * aio4j) in front of the echo handler.
 *
 * <p>Prints {@code READY <port>} once listening (port 0 picks a free one) and serves until killed.
 * Exit status 2 for bad arguments, 1 when it cannot listen.
 */
public final class NettyEchoServer {
    /*
     * Netty's defaults otherwise: pooled direct buffers, adaptive receive buffer, TCP_NODELAY on
     * accepted channels (as asyncio, uvloop and aio4j set it). writeAndFlush per read rather than
     * write + flush in channelReadComplete, as the figure prescribes: one send per received chunk,
     * like the other servers.
     */

    private NettyEchoServer() {}

    /** Writes every received buffer back; stateless, so one instance serves all channels. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final CpuWork work;

        EchoHandler(CpuWork work) {
            this.work = work;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            work.run();
            ctx.writeAndFlush(msg); // releases the buffer once written
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client reset: drop the connection quietly
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 8888;
        String cert = null;
        String key = null;
        int threads = 1;
        double workUs = 0;
        long workIterations = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--cert" -> cert = args[++i];
                    case "--key" -> key = args[++i];
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--work-us" -> workUs = Double.parseDouble(args[++i]);
                    case "--work-iterations" -> workIterations = Long.parseLong(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (RuntimeException e) {
            System.err.println("netty echo server: " + e.getMessage() + "; usage: NettyEchoServer [--host H] [--port P]");
            System.exit(2);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        try {
            EchoHandler echo = new EchoHandler(workIterations >= 0 ? CpuWork.ofIterations(workIterations) : CpuWork.of(workUs));
            io.netty.handler.ssl.SslContext tls = cert == null ? null
                    : io.netty.handler.ssl.SslContextBuilder.forServer(new java.io.File(cert), new java.io.File(key))
                            .sslProvider(io.netty.handler.ssl.SslProvider.JDK).build();
            ChannelHandler child = tls == null ? echo : new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                @Override
                protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()), echo);
                }
            };
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(child)
                    .bind(host, port).sync().channel();
            System.out.println("READY " + ((InetSocketAddress) listener.localAddress()).getPort());
            System.out.flush();
            listener.closeFuture().sync();
        } catch (Exception e) {
            System.err.println("netty echo server: cannot serve on " + host + ":" + port + ": " + e);
            System.exit(1);
        } finally {
            group.shutdownGracefully();
        }
    }
}
