package org.aio4j.bench.db;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.jdbc.Pool;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database figure's JVM client: {@code tasks} concurrent workers run {@code queries} simple queries
 * each ({@code SELECT ?::int}) over a pool of {@code pool} connections, for warm-up rounds and then
 * measured rounds (the warm-up: at least {@code warmup} rounds and {@code warmup-seconds} seconds);
 * prints {@code RESULT qps <median> queries/s}, {@code RESULT cpu-us <mean> us/query} (this process's
 * CPU time over the measured rounds, per query) and {@code RESULT strand-mode <ordinal>}.
 *
 * <pre>
 * DbLoadClient --url URL --user U --mode aio4j|vthreads|aio4j-raw|vthreads-hikari|aio4j-hikari [--tasks 100] [--queries 100] [--pool 20]
 *              [--warmup 3] [--warmup-seconds 5] [--rounds 5]
 * </pre>
 * {@code aio4j}: one event loop, {@code org.aio4j.jdbc.Pool}, a task per worker (the strand mode is this
 * JVM's: {@code -Daio4j.strands=portable} for the portable one). {@code vthreads}: the JVM peer, a virtual
 * thread per worker and a blocking queue of plain JDBC connections as the pool. {@code aio4j-raw}: that
 * blocking code as aio4j tasks (no pool layer). {@code vthreads-hikari} and {@code aio4j-hikari}: the same
 * two with HikariCP as the pool.
 */
public final class DbLoadClient {
    private DbLoadClient() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        String user = "postgres";
        String mode = "aio4j";
        int tasks = 100;
        int queries = 100;
        int pool = 20;
        int warmup = 3;
        double warmupSeconds = 5;
        int rounds = 5;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--user" -> user = v;
                case "--mode" -> mode = v;
                case "--tasks" -> tasks = Integer.parseInt(v);
                case "--queries" -> queries = Integer.parseInt(v);
                case "--pool" -> pool = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(user);
        Rounds plan = new Rounds(tasks * queries, warmup, warmupSeconds, rounds);
        double[][] results = switch (mode) {
            case "vthreads" -> vthreads(queue(ds, pool), tasks, queries, plan, false);
            case "aio4j-raw" -> vthreads(queue(ds, pool), tasks, queries, plan, true);
            case "vthreads-hikari" -> vthreads(hikari(ds, pool), tasks, queries, plan, false);
            case "aio4j-hikari" -> vthreads(hikari(ds, pool), tasks, queries, plan, true);
            default -> aio4j(ds, tasks, queries, pool, plan);
        };
        System.out.printf(Locale.ROOT, "RESULT qps %.1f queries/s%n", median(results[0]));
        System.out.printf(Locale.ROOT, "RESULT cpu-us %.3f us/query%n", results[1][0]);
        // The ordinal of org.aio4j.StrandMode, so that the harness can refuse a column run in the wrong mode.
        System.out.println("RESULT strand-mode " + Aio.strandMode().ordinal() + " ordinal");
    }

    private static double[][] aio4j(PGSimpleDataSource ds, int tasks, int queries, int size, Rounds plan) {
        return Aio.run(Aio.async(() -> {
            Pool pool = Pool.create(ds, size, size);
            double[][] results = plan.run(() -> {
                List<Coro<Long>> workers = new ArrayList<>(tasks);
                for (int t = 0; t < tasks; t++) {
                    workers.add(Aio.async(() -> {
                        long sum = 0;
                        for (int q = 0; q < queries; q++) {
                            int v = pool.fetchval("SELECT ?::int", q);
                            sum += v;
                        }
                        return sum;
                    }));
                }
                List<Long> sums = Aio.await(Aio.gather(workers));
                check(sums, queries);
            });
            pool.close();
            return results;
        }));
    }

    /** Where the blocking workers take a connection from and give it back to. */
    private interface Source extends AutoCloseable {
        Connection take() throws SQLException, InterruptedException;

        void give(Connection c) throws SQLException, InterruptedException;

        @Override
        void close() throws SQLException;
    }

    /** A blocking queue of plain connections: the smallest blocking pool. */
    private static Source queue(PGSimpleDataSource ds, int size) throws SQLException {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            pool.add(ds.getConnection());
        }
        return new Source() {
            public Connection take() throws InterruptedException {
                return pool.take();
            }

            public void give(Connection c) throws InterruptedException {
                pool.put(c);
            }

            public void close() throws SQLException {
                for (Connection c : pool) {
                    c.close();
                }
            }
        };
    }

    /** HikariCP, fixed at {@code size} connections: the alternative to aio4j's own pool. */
    private static Source hikari(PGSimpleDataSource ds, int size) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setDataSource(ds);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
        return new Source() {
            public Connection take() throws SQLException {
                return pool.getConnection();
            }

            public void give(Connection c) throws SQLException {
                c.close();
            }

            public void close() {
                pool.close();
            }
        };
    }

    /**
     * The JVM peer; with {@code onLoop}, the same blocking code as aio4j tasks on one loop (no pool layer:
     * what the loop's scheduling alone costs).
     */
    private static double[][] vthreads(Source pool, int tasks, int queries, Rounds plan, boolean onLoop)
            throws Exception {
        double[][] results = plan.run(() -> {
            long[] sums = new long[tasks];
            Thread[] threads = new Thread[tasks];
            List<Coro<Void>> onLoopTasks = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int me = t;
                Runnable worker = () -> {
                    try {
                        for (int q = 0; q < queries; q++) {
                            Connection c = pool.take();
                            try (PreparedStatement ps = c.prepareStatement("SELECT ?::int")) {
                                ps.setObject(1, q);
                                try (ResultSet rs = ps.executeQuery()) {
                                    rs.next();
                                    sums[me] += rs.getInt(1);
                                }
                            } finally {
                                pool.give(c);
                            }
                        }
                    } catch (SQLException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                };
                if (onLoop) {
                    onLoopTasks.add(Aio.async(worker::run));
                } else {
                    threads[t] = Thread.ofVirtual().start(worker);
                }
            }
            if (onLoop) {
                Aio.run(Aio.async(() -> Aio.await(Aio.gather(onLoopTasks))));
            } else {
                for (Thread t : threads) {
                    t.join();
                }
            }
            check(Arrays.stream(sums).boxed().toList(), queries);
        });
        pool.close();
        return results;
    }

    /** One round: every worker's queries, checked. */
    private interface Round {
        void run() throws Exception;
    }

    /**
     * Warm-up rounds until at least {@code warmup} of them have run and {@code warmupSeconds} have
     * passed, then {@code rounds} measured ones: each measured round's queries/s, and (a one-element
     * array) the CPU us/query over all the measured rounds together.
     */
    private record Rounds(int queriesPerRound, int warmup, double warmupSeconds, int rounds) {
        /*
         * The warm-up is bounded by time as well as by rounds because the JVM columns are still being
         * compiled after three rounds (aio4j's queries/s rose for ~10 rounds, the plain virtual threads'
         * for ~20), while CPython is flat after one; a round count alone measured the JVM half-warm.
         * The CPU time is taken over the measured rounds together rather than as a median of rounds:
         * the JVM's process CPU clock ticks in 10 ms here, 1 us per query in a round of 10,000.
         */
        double[][] run(Round round) throws Exception {
            long warmStart = System.nanoTime();
            int warmed = 0;
            while (warmed < warmup || System.nanoTime() - warmStart < warmupSeconds * 1e9) {
                timed(round, "warm-up " + ++warmed);
            }
            double[] qps = new double[rounds];
            double cpuUs = 0;
            for (int r = 0; r < rounds; r++) {
                double[] one = timed(round, "round " + r);
                qps[r] = one[0];
                cpuUs += one[1] / rounds;
            }
            return new double[][] {qps, {cpuUs}};
        }

        private double[] timed(Round round, String name) throws Exception {
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            round.run();
            long wall = System.nanoTime() - t0;
            long used = cpuNanos() - cpu0;
            double qps = queriesPerRound / (wall / 1e9);
            double cpuUs = used / 1e3 / queriesPerRound;
            System.err.printf(Locale.ROOT, "%s: %.0f queries/s, %.2f us CPU/query%n", name, qps, cpuUs);
            return new double[] {qps, cpuUs};
        }
    }

    private static void check(List<Long> sums, int queries) {
        long expected = (long) queries * (queries - 1) / 2;
        for (long s : sums) {
            if (s != expected) {
                throw new IllegalStateException("a worker's sum is " + s + ", expected " + expected);
            }
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
