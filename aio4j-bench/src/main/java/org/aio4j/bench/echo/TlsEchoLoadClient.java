package org.aio4j.bench.echo;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The load client of the {@code tls-echo} figure: N TLS connections (the JDK's blocking
 * {@link SSLSocket}, one platform thread each), each sending a message, reading its echo and
 * checking it, again and again (request/response, one in flight per connection).
 *
 * <pre>
 * java -cp aio4j-bench.jar org.aio4j.bench.echo.TlsEchoLoadClient --port P --ca cert.pem
 *     [--connections 10] [--size 1024] [--warmup 10] [--duration 5] [--runs 3] [--server-pid PID]
 * </pre>
 *
 * <p>The server's certificate is verified against {@code --ca} with host-name checking for
 * {@code localhost}. After {@code --warmup} seconds it measures {@code --runs} windows and prints
 * {@code RUN} lines and the medians as {@code RESULT rps}, {@code RESULT user-us},
 * {@code RESULT sys-us} (the server process's CPU per request, with {@code --server-pid}) and
 * {@code RESULT client-cpu} (cores). Exit status 1 if an echo differs or a connection fails.
 */
public final class TlsEchoLoadClient {
    /*
     * Blocking sockets on threads rather than the NIO client of the plain echo figure: the client
     * only has to keep the server busy and check the bytes; its own CPU is not what is measured
     * (the server's is, from /proc). Every server sees the same client, handshake and cipher suite.
     */
    private TlsEchoLoadClient() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = -1;
        int connections = 10;
        int size = 1024;
        double warmup = 10;
        double duration = 5;
        int runs = 3;
        long pid = -1;
        Path ca = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--duration" -> duration = Double.parseDouble(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--server-pid" -> pid = Long.parseLong(v);
                case "--ca" -> ca = Path.of(v);
                default -> {
                    System.err.println("unknown argument '" + args[i] + "'");
                    System.exit(2);
                }
            }
        }
        if (port < 1 || ca == null) {
            System.err.println("--port and --ca are required");
            System.exit(2);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("server", TlsEchoServer.readCert(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);

        AtomicLongArray done = new AtomicLongArray(connections);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<SSLSocket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) (i * 131 + 7);
        }
        for (int c = 0; c < connections; c++) {
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, port);
            s.setTcpNoDelay(true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            s.setSSLParameters(p);
            s.startHandshake();
            sockets.add(s);
            int index = c;
            threads.add(Thread.ofPlatform().daemon().name("tls-load-" + c).start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] got = new byte[message.length];
                    while (true) {
                        out.write(message);
                        out.flush();
                        int n = in.readNBytes(got, 0, got.length);
                        if (n != got.length || !Arrays.equals(got, message)) {
                            throw new IllegalStateException("connection " + index + ": bad echo (" + n + " bytes)");
                        }
                        done.incrementAndGet(index);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        ProcCpu server = pid > 0 ? new ProcCpu(pid) : null;
        ProcCpu self = new ProcCpu(ProcessHandle.current().pid());
        Thread.sleep((long) (warmup * 1000));
        double[] rps = new double[runs];
        double[] user = new double[runs];
        double[] sys = new double[runs];
        double[] clientCores = new double[runs];
        for (int r = 0; r < runs; r++) {
            long n0 = total(done);
            ProcCpu.Times s0 = server == null ? null : server.read();
            ProcCpu.Times c0 = self.read();
            long t0 = System.nanoTime();
            Thread.sleep((long) (duration * 1000));
            long t1 = System.nanoTime();
            ProcCpu.Times c1 = self.read();
            ProcCpu.Times s1 = server == null ? null : server.read();
            long n = total(done) - n0;
            if (failure.get() != null) {
                failure.get().printStackTrace();
                System.exit(1);
            }
            if (n == 0) {
                System.err.println("no request completed in a window");
                System.exit(1);
            }
            double secs = (t1 - t0) / 1e9;
            rps[r] = n / secs;
            clientCores[r] = (c1.totalSeconds() - c0.totalSeconds()) / secs;
            if (server != null) {
                user[r] = (s1.userSeconds() - s0.userSeconds()) * 1e6 / n;
                sys[r] = (s1.systemSeconds() - s0.systemSeconds()) * 1e6 / n;
            }
            System.out.printf(Locale.ROOT, "RUN %d rps %.1f requests %d user-us %.3f sys-us %.3f%n", r, rps[r], n, user[r], sys[r]);
        }
        System.out.printf(Locale.ROOT, "RESULT rps %.6g req/s%n", median(rps));
        if (server != null) {
            System.out.printf(Locale.ROOT, "RESULT user-us %.6g us/req%n", median(user));
            System.out.printf(Locale.ROOT, "RESULT sys-us %.6g us/req%n", median(sys));
        }
        System.out.printf(Locale.ROOT, "RESULT client-cpu %.6g cores%n", median(clientCores));
        System.out.flush();
        for (SSLSocket s : sockets) {
            try {
                s.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }
        System.exit(0);
    }

    private static long total(AtomicLongArray a) {
        long t = 0;
        for (int i = 0; i < a.length(); i++) {
            t += a.get(i);
        }
        return t;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
