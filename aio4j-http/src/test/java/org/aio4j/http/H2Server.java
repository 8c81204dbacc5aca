package org.aio4j.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/2 server over TLS (ALPN "h2"), on Netty: every request is answered 200 with the body
 * "h2 says hello to PATH" in three DATA frames, except "/never", which is never answered. The
 * JDK's HttpServer speaks HTTP/1.1 only.
 */
final class H2Server implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    final AtomicInteger streams = new AtomicInteger();
    /** Streams of "/never" (left unanswered) that the client reset or closed. */
    final AtomicInteger abandoned = new AtomicInteger();
    /** TCP connections accepted: HTTP/2 multiplexes concurrent requests over one. */
    final AtomicInteger connections = new AtomicInteger();

    H2Server(TestPki pki) throws Exception {
        SslContext ssl = SslContextBuilder.forServer(pki.key, pki.cert, pki.ca).sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler("none") {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.close();
                                    return;
                                }
                                ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                        new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                            @Override
                                            protected void initChannel(Channel stream) {
                                                stream.pipeline().addLast(new Answer());
                                            }
                                        }));
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    String url(String path) {
        return "https://localhost:" + ((InetSocketAddress) channel.localAddress()).getPort() + path;
    }

    private final class Answer extends ChannelInboundHandlerAdapter {
        private String path;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                path = h.headers().path().toString();
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                end = d.isEndStream();
            }
            ReferenceCountUtil.release(msg);
            if (end && "/never".equals(path)) {
                return;
            }
            if (end) {
                streams.incrementAndGet();
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                        .set("content-type", "text/plain; charset=UTF-8")));
                String[] parts = {"h2 says ", "hello to ", path};
                for (int i = 0; i < parts.length; i++) {
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(parts[i], StandardCharsets.UTF_8),
                            i == parts.length - 1));
                }
                ctx.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if ("/never".equals(path)) {
                abandoned.incrementAndGet(); // the stream ended without an answer: the client reset it
            }
        }
    }

    @Override
    public void close() throws Exception {
        channel.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
}
