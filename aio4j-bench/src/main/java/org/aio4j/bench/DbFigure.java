package org.aio4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.aio4j.StrandMode;
import org.aio4j.postgres.testing.TestPostgres;

/**
 * Figure 15, {@code db} (runs only when named): 10,000 simple queries ({@code SELECT ?::int}) from 100
 * concurrent tasks over a pool of 20 connections, against one PostgreSQL that the figure starts (on
 * loopback, durability off): queries per second and the client's CPU time per query, for
 *
 * <ul>
 *   <li>{@code aio4j}: {@code org.aio4j.jdbc.Pool} on the PostgreSQL JDBC driver, fast strand mode;</li>
 *   <li>{@code aio4j-portable}: the same in the portable strand mode ({@code -Daio4j.strands=portable});</li>
 *   <li>{@code aio4j-hikari}: the design not taken, aio4j tasks calling HikariCP (7.1.0) and the driver
 *       directly on their own virtual threads;</li>
 *   <li>{@code vthreads-jdbc}: the JVM peer, a virtual thread per worker over a blocking queue of 20 plain
 *       JDBC connections; {@code vthreads-hikari}: the same over HikariCP;</li>
 *   <li>{@code asyncpg-asyncio} and {@code asyncpg-uvloop}: asyncpg's pool (Debian's
 *       {@code python3-asyncpg}), on asyncio and on uvloop; n/a when asyncpg is missing.</li>
 * </ul>
 *
 * <pre>
 * db 10k queries, 100 tasks, pool 20 (queries/s, client CPU us/query): aio4j 30.1k 40.2 | ... | asyncpg-uvloop 25.0k 35.0 (0.83x) | target aio4j >= asyncpg-uvloop: met
 * </pre>
 * where the ratio after a column is its queries/s against aio4j's (&lt; 1: aio4j is faster).
 */
final class DbFigure {
    /*
     * Each column is a child process with warm-up rounds and measured rounds of the whole 10,000
     * queries, the median of the rounds (DbLoadClient, db_bench.py). The warm-up is at least 3 rounds
     * and 5 s (1 and 1 s with --quick): the JVM columns were still getting faster after 3 rounds. The columns run one after the
     * other against the same server, twice each in alternating order with the full plan (once with
     * --quick), and the line gives each column's median. Client CPU is the child's own process CPU
     * time; the server's is not counted (it is the same server for every column).
     */
    private static final List<String> COLUMNS = List.of("aio4j", "aio4j-portable", "aio4j-hikari", "vthreads-jdbc",
            "vthreads-hikari", "asyncpg-asyncio", "asyncpg-uvloop");

    private final Plan plan;
    private final Path logDir;
    private final String python;

    DbFigure(Plan plan, Path logDir, String python) {
        this.plan = plan;
        this.logDir = logDir;
        this.python = python;
    }

    void run() throws IOException, InterruptedException {
        Path script = logDir.resolve("db_bench.py");
        try (InputStream in = DbFigure.class.getResourceAsStream("/db_bench.py")) {
            if (in == null) {
                throw new IllegalStateException("db_bench.py is missing from the class path");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        String asyncpgMissing = asyncpgMissing();
        Map<String, List<Double>> qps = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int rounds = plan.quick() ? 1 : 2;
        String warmup = plan.quick() ? "1" : "3";
        String warmupSeconds = plan.quick() ? "1" : "5";
        String measured = plan.quick() ? "2" : "5";
        try (TestPostgres pg = TestPostgres.start()) {
            for (int round = 0; round < rounds; round++) {
                List<String> order = new ArrayList<>(COLUMNS);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (String column : order) {
                    if (column.startsWith("asyncpg") && asyncpgMissing != null) {
                        continue;
                    }
                    List<String> command = command(column, pg, script, warmup, warmupSeconds, measured);
                    Path log = logDir.resolve("db-" + column + "-" + round + ".log");
                    Files.deleteIfExists(log);
                    System.err.printf(Locale.ROOT, "[aio4j-bench] db: %s, round %d ...%n", column, round + 1);
                    try {
                        Map<String, Double> r = ChildProcess.run(command, log);
                        String wrongMode = wrongStrandMode(column, r.get("strand-mode"));
                        if (wrongMode != null) {
                            failures.add("db " + column + " left out: " + wrongMode + " (log: " + log + ")");
                            continue;
                        }
                        qps.computeIfAbsent(column, k -> new ArrayList<>()).add(r.get("qps"));
                        cpu.computeIfAbsent(column, k -> new ArrayList<>()).add(r.get("cpu-us"));
                    } catch (IOException e) {
                        failures.add("db " + column + " failed: " + e.getMessage() + " (log: " + log + ")");
                    }
                }
            }
        }
        StringBuilder line = new StringBuilder("db 10k queries, 100 tasks, pool 20 (queries/s, client CPU us/query):");
        Double aio4j = qps.containsKey("aio4j") ? median(qps.get("aio4j")) : null;
        for (String column : COLUMNS) {
            line.append(' ').append(column).append(' ');
            if (!qps.containsKey(column)) {
                line.append(column.startsWith("asyncpg") && asyncpgMissing != null ? "n/a (" + asyncpgMissing + ")"
                        : "n/a");
            } else {
                double q = median(qps.get(column));
                line.append(EchoFigure.kilo(q)).append(String.format(Locale.ROOT, " %.1f", median(cpu.get(column))));
                if (aio4j != null && !column.equals("aio4j")) {
                    line.append(String.format(Locale.ROOT, " (%.2fx)", q / aio4j));
                }
            }
            line.append(" |");
        }
        if (aio4j != null && qps.containsKey("asyncpg-uvloop")) {
            double uv = median(qps.get("asyncpg-uvloop"));
            line.append(String.format(Locale.ROOT, " target aio4j >= asyncpg-uvloop: %s (%.2fx)",
                    aio4j >= uv ? "met" : "MISSED", aio4j / uv));
        } else {
            line.append(" target aio4j >= asyncpg-uvloop: n/a");
        }
        System.out.println(line);
        for (String f : failures) {
            System.out.println("  " + f);
        }
    }

    private List<String> command(String column, TestPostgres pg, Path script, String warmup, String warmupSeconds,
                                 String measured) {
        List<String> common = List.of("--warmup", warmup, "--warmup-seconds", warmupSeconds, "--rounds", measured);
        List<String> command;
        switch (column) {
            case "aio4j", "aio4j-portable", "aio4j-hikari", "vthreads-jdbc", "vthreads-hikari" -> {
                command = new ArrayList<>(EchoFigure.javaCommand("org.aio4j.bench.db.DbLoadClient",
                        column.equals("aio4j-portable") ? List.of("-Daio4j.strands=portable") : List.of()));
                command.addAll(List.of("--url", pg.jdbcUrl(), "--user", pg.user(), "--mode",
                        switch (column) {
                            case "vthreads-jdbc" -> "vthreads";
                            case "aio4j-portable" -> "aio4j";
                            default -> column;
                        }));
            }
            default -> {
                command = new ArrayList<>(List.of(python, script.toString(), "--host", pg.host(),
                        "--port", String.valueOf(pg.port()), "--user", pg.user()));
                if (column.equals("asyncpg-uvloop")) {
                    command.add("--uvloop");
                }
            }
        }
        command.addAll(common);
        return command;
    }

    /**
     * Why an aio4j column's child did not measure what its name says (it ran in the other strand mode,
     * for instance a JVM without the fast mode's {@code --add-opens}), or null if it did or the column
     * has no strand mode.
     */
    private static String wrongStrandMode(String column, Double reported) {
        StrandMode expected = switch (column) {
            case "aio4j", "aio4j-hikari" -> StrandMode.LOOP_SCHEDULED;
            case "aio4j-portable" -> StrandMode.PORTABLE;
            default -> null;
        };
        if (expected == null) {
            return null;
        }
        if (reported == null) {
            return "the child did not report its strand mode";
        }
        int ordinal = reported.intValue();
        if (ordinal == expected.ordinal()) {
            return null;
        }
        String actual = ordinal >= 0 && ordinal < StrandMode.values().length ? StrandMode.values()[ordinal].name()
                : "strand mode " + ordinal;
        return "the child ran in " + actual + ", not " + expected;
    }

    /** Why the asyncpg columns cannot run, or null if they can. */
    private String asyncpgMissing() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import asyncpg, uvloop").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "python3-asyncpg not installed for " + python;
        } catch (IOException e) {
            return python + " not found";
        }
    }

    private static double median(List<Double> xs) {
        return Samples.median(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
