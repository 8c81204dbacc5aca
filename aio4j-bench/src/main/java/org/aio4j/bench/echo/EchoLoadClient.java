package org.aio4j.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load client of the echo figure: opens N connections to an echo server, keeps a fixed number
 * of requests in flight on each, checks every echoed byte, and reports requests per second (and,
 * given the server's process id, the server's CPU time per request).
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp aio4j-bench.jar org.aio4j.bench.echo.EchoLoadClient
 *     --port P [--host 127.0.0.1] [--connections 10] [--size 100] [--depth 1] [--threads T]
 *     [--warmup 10] [--duration 5] [--runs 3] [--server-pid PID]
 * </pre>
 *
 * <p>A request is one message of {@code --size} bytes; it completes when its last byte has come
 * back. Each connection starts with {@code --depth} messages sent and sends one more each time one
 * completes (pipelining; depth 1 is request/response). After {@code --warmup} seconds of load it
 * measures {@code --runs} windows of {@code --duration} seconds each, without pausing the load,
 * and prints per window a {@code RUN} line and at the end the medians as lines
 * {@code RESULT rps <value> req/s}, {@code RESULT user-us <value> us/req} and
 * {@code RESULT sys-us <value> us/req} (the server's user and system CPU per request, from
 * {@code /proc/<pid>/stat}, whole process, all threads; only with {@code --server-pid}), and
 * {@code RESULT client-cpu <value> cores} (this process's CPU time over the wall time of the
 * windows: how busy the client itself was), and with {@code --server-pid} on Linux
 * {@code RESULT others-cpu <value> cores} (the machine's busy CPU from {@code /proc/stat} minus the
 * server's and the client's: other processes competing for the cores) and
 * {@code RESULT steal-cpu <value> cores} (time the hypervisor gave other guests).
 *
 * <p>Exit status 1 if an echoed byte differs from what was sent, a connection closes or fails, or a
 * window completes no request (the line says which connection and offset); 2 for bad arguments.
 */
public final class EchoLoadClient {
    /*
     * Checking every byte cheaply: every connection sends the same endless byte stream, a shared
     * pattern of period PERIOD read from its own phase (connection i starts at i * PHASE_STEP), so
     * a server that mixed up connections, dropped, duplicated or reordered bytes would be caught
     * unless the phases happened to line up. The pattern is stored once, PERIOD + MAX_CHUNK long,
     * so that any chunk of up to MAX_CHUNK bytes from any phase is contiguous: sending and checking
     * are ByteBuffer views on it (ByteBuffer.mismatch is vectorised), with no copies and no
     * allocation per request. The shared pattern (~130 KiB) stays in cache however many
     * connections there are.
     *
     * Threads: a few selector threads (--threads, default 1 on <= 2 cores, else cores / 2: the
     * server under test needs a core of its own), connections assigned round-robin; each thread
     * reads once per readable event into its own 64 KiB direct buffer, and writes as much as it may
     * send, adding OP_WRITE only after a short write. The counters are published once per select
     * round (a release store), read by the main thread at the window boundaries.
     */

    static final int MAX_CHUNK = 64 * 1024;
    /** Pattern period: not a multiple of any message size used, so consecutive messages differ. */
    static final int PERIOD = 65_521; // the largest prime below 2^16
    static final int PHASE_STEP = 7_919;
    private static final ByteBuffer PATTERN = pattern();

    private EchoLoadClient() {}

    private static ByteBuffer pattern() {
        ByteBuffer p = ByteBuffer.allocateDirect(PERIOD + MAX_CHUNK);
        for (int i = 0; i < PERIOD + MAX_CHUNK; i++) {
            int k = i % PERIOD;
            p.put(i, (byte) (k * 131 + (k >>> 7) * 17 + 1));
        }
        return p.asReadOnlyBuffer();
    }

    /** Parsed command line. */
    record Options(String host, int port, int connections, int size, int depth, int threads,
                   double warmup, double duration, int runs, long serverPid) {
        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = -1;
            int connections = 10;
            int size = 100;
            int depth = 1;
            int cores = Runtime.getRuntime().availableProcessors();
            int threads = cores <= 2 ? 1 : cores / 2;
            double warmup = 10;
            double duration = 5;
            int runs = 3;
            long pid = -1;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--depth" -> depth = Integer.parseInt(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--duration" -> duration = Double.parseDouble(v);
                    case "--runs" -> runs = Integer.parseInt(v);
                    case "--server-pid" -> pid = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port must be given, 1..65535");
            }
            if (connections < 1 || depth < 1 || threads < 1 || runs < 1 || size < 1 || size > MAX_CHUNK) {
                throw new IllegalArgumentException("--connections, --depth, --threads, --runs must be >= 1 and"
                        + " --size in 1.." + MAX_CHUNK);
            }
            if (warmup < 0 || duration <= 0) {
                throw new IllegalArgumentException("--warmup must be >= 0 and --duration > 0");
            }
            return new Options(host, port, connections, size, depth, Math.min(threads, connections), warmup,
                    duration, runs, pid);
        }
    }

    /** One connection's state; touched by its selector thread only (after set-up). */
    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final int phase;
        final ByteBuffer send = PATTERN.duplicate();
        SelectionKey key;
        /** Stream offsets: next byte to send, end of what may be sent, bytes received and checked. */
        long sent;
        long sendLimit;
        long received;
        boolean writeInterest;

        Conn(int id, SocketChannel channel, int phase) {
            this.id = id;
            this.channel = channel;
            this.phase = phase;
        }
    }

    /** A selector thread and its connections. */
    private static final class Worker extends Thread {
        private final Selector selector;
        private final List<Conn> conns = new ArrayList<>();
        private final int size;
        private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_CHUNK);
        private final ByteBuffer expected = PATTERN.duplicate();
        private final AtomicReference<String> failure;
        private volatile boolean stop;
        private volatile long published;
        private long completed;

        Worker(int index, int size, AtomicReference<String> failure) throws IOException {
            super("echo-load-" + index);
            setDaemon(true);
            this.selector = Selector.open();
            this.size = size;
            this.failure = failure;
        }

        void add(Conn c) throws IOException {
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
            conns.add(c);
        }

        @Override
        public void run() {
            try {
                for (Conn c : conns) {
                    flush(c);
                }
                while (!stop && failure.get() == null) {
                    selector.select(this::ready, 100);
                    published = completed;
                }
            } catch (RuntimeException | IOException e) {
                failure.compareAndSet(null, "client thread " + getName() + " failed: " + e);
            } finally {
                published = completed;
            }
        }

        private void ready(SelectionKey key) {
            Conn c = (Conn) key.attachment();
            try {
                if (key.isReadable()) {
                    read(c);
                }
                if (key.isValid() && key.isWritable()) {
                    flush(c);
                }
            } catch (IOException e) {
                fail("connection " + c.id + " failed after " + c.received + " bytes: " + e);
            }
        }

        private void read(Conn c) throws IOException {
            in.clear();
            int n = c.channel.read(in);
            if (n < 0) {
                fail("connection " + c.id + " was closed by the server after " + c.received + " bytes echoed");
                return;
            }
            if (n == 0) {
                return;
            }
            if (c.received + n > c.sent) {
                fail("connection " + c.id + " received " + (c.received + n - c.sent) + " more bytes than it sent");
                return;
            }
            int checked = 0;
            while (checked < n) {
                int pos = (int) ((c.received + checked + c.phase) % PERIOD);
                int len = Math.min(n - checked, MAX_CHUNK);
                in.limit(checked + len).position(checked);
                expected.limit(pos + len).position(pos);
                int at = in.mismatch(expected);
                if (at >= 0) {
                    fail(String.format(Locale.ROOT, "connection %d: echoed byte at stream offset %d is %d, sent %d",
                            c.id, c.received + checked + at, in.get(checked + at), expected.get(pos + at)));
                    return;
                }
                checked += len;
            }
            long before = c.received / size;
            c.received += n;
            long done = c.received / size - before;
            if (done > 0) {
                completed += done;
                c.sendLimit += done * size;
                flush(c);
            }
        }

        /** Sends what may be sent; wants OP_WRITE only while a write came up short. */
        private void flush(Conn c) throws IOException {
            while (c.sent < c.sendLimit) {
                int pos = (int) ((c.sent + c.phase) % PERIOD);
                int len = (int) Math.min(c.sendLimit - c.sent, MAX_CHUNK);
                c.send.limit(pos + len).position(pos);
                int w = c.channel.write(c.send);
                c.sent += w;
                if (w < len) {
                    break;
                }
            }
            boolean want = c.sent < c.sendLimit;
            if (want != c.writeInterest) {
                c.writeInterest = want;
                c.key.interestOps(want ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        private void fail(String why) {
            failure.compareAndSet(null, why);
        }

        void shutdown() {
            stop = true;
            selector.wakeup();
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("echo load client: " + e.getMessage());
            System.exit(2);
            return;
        }
        AtomicReference<String> failure = new AtomicReference<>();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < o.threads(); i++) {
            workers.add(new Worker(i, o.size(), failure));
        }
        List<Conn> conns = new ArrayList<>();
        InetSocketAddress target = new InetSocketAddress(o.host(), o.port());
        try {
            for (int i = 0; i < o.connections(); i++) {
                SocketChannel ch = SocketChannel.open();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(target);
                ch.configureBlocking(false);
                Conn c = new Conn(i, ch, (int) ((long) i * PHASE_STEP % PERIOD));
                c.sendLimit = (long) o.depth() * o.size();
                conns.add(c);
                workers.get(i % workers.size()).add(c);
            }
        } catch (IOException e) {
            System.err.println("echo load client: cannot connect to " + target + " (connection " + conns.size()
                    + " of " + o.connections() + "): " + e);
            System.exit(1);
        }
        ProcCpu server = o.serverPid() > 0 ? new ProcCpu(o.serverPid()) : null;
        ProcCpu self = new ProcCpu(ProcessHandle.current().pid());
        workers.forEach(Thread::start);
        int exit = 0;
        try {
            sleepChecking(o.warmup(), failure);
            double[] rps = new double[o.runs()];
            double[] user = new double[o.runs()];
            double[] sys = new double[o.runs()];
            double clientCpu = 0;
            double serverCpu = 0;
            double machineBusy = 0;
            double machineSteal = 0;
            double wall = 0;
            for (int r = 0; r < o.runs(); r++) {
                ProcCpu.Times s0 = server == null ? null : server.read();
                ProcCpu.Times c0 = self.read();
                ProcCpu.Times m0 = ProcCpu.machine();
                long n0 = completed(workers);
                long t0 = System.nanoTime();
                sleepChecking(o.duration(), failure);
                long n1 = completed(workers);
                long t1 = System.nanoTime();
                ProcCpu.Times m1 = ProcCpu.machine();
                ProcCpu.Times c1 = self.read();
                ProcCpu.Times s1 = server == null ? null : server.read();
                machineBusy += m1.userSeconds() - m0.userSeconds();
                machineSteal += m1.systemSeconds() - m0.systemSeconds();
                long requests = n1 - n0;
                if (requests == 0) {
                    throw new IllegalStateException("no request completed in " + o.duration()
                            + " s: the server stalled");
                }
                double seconds = (t1 - t0) / 1e9;
                rps[r] = requests / seconds;
                clientCpu += c1.totalSeconds() - c0.totalSeconds();
                wall += seconds;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "RUN %d rps %.1f requests %d",
                        r + 1, rps[r], requests));
                if (server != null) {
                    serverCpu += s1.totalSeconds() - s0.totalSeconds();
                    user[r] = (s1.userSeconds() - s0.userSeconds()) * 1e6 / requests;
                    sys[r] = (s1.systemSeconds() - s0.systemSeconds()) * 1e6 / requests;
                    line.append(String.format(Locale.ROOT, " server-user-us %.3f server-sys-us %.3f", user[r], sys[r]));
                }
                System.out.println(line);
            }
            System.out.printf(Locale.ROOT, "RESULT rps %.6g req/s%n", median(rps));
            if (server != null) {
                System.out.printf(Locale.ROOT, "RESULT user-us %.6g us/req%n", median(user));
                System.out.printf(Locale.ROOT, "RESULT sys-us %.6g us/req%n", median(sys));
            }
            System.out.printf(Locale.ROOT, "RESULT client-cpu %.4g cores%n", clientCpu / wall);
            if (server != null && machineBusy > 0) {
                // what neither the server nor this client used: other processes (other builds, say)
                System.out.printf(Locale.ROOT, "RESULT others-cpu %.4g cores%n",
                        Math.max(0, machineBusy - serverCpu - clientCpu) / wall);
                System.out.printf(Locale.ROOT, "RESULT steal-cpu %.4g cores%n", machineSteal / wall);
            }
        } catch (IllegalStateException e) {
            System.err.println("echo load client: FAILED: " + e.getMessage());
            exit = 1;
        } finally {
            workers.forEach(Worker::shutdown);
            for (Worker w : workers) {
                w.join(2000);
            }
            for (Conn c : conns) {
                try {
                    c.channel.close();
                } catch (IOException ignored) {
                    // closing at exit: nothing to do
                }
            }
        }
        System.out.flush();
        System.exit(exit);
    }

    private static long completed(List<Worker> workers) {
        long sum = 0;
        for (Worker w : workers) {
            sum += w.published;
        }
        return sum;
    }

    /** Sleeps {@code seconds}, failing as soon as a worker reports a failure. */
    private static void sleepChecking(double seconds, AtomicReference<String> failure) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            String why = failure.get();
            if (why != null) {
                throw new IllegalStateException(why);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(50, Math.max(1, left / 1_000_000)));
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
