package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.gather;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.jdbc.Pool;
import org.aio4j.jdbc.PooledConnection;
import org.aio4j.jdbc.Row;
import org.aio4j.postgres.testing.TestPostgres;

/**
 * The articles' asyncpg pool example, ported: a pool of 10 connections, 50 lookups gathered at
 * once (each a query that takes 0.1 s on the server), "respecting the pool size": 5 waves, about
 * 0.5 s, while a ticker task on the same loop keeps ticking. Then a report query that is too slow
 * for its 0.5 s limit: the timeout cancels it on the server. The PostgreSQL is a throwaway one
 * started here (embedded binaries from Maven Central), so the demo runs offline.
 */
final class DatabasePoolDemo {
    private DatabasePoolDemo() {
    }

    static final int POOL_SIZE = 10;
    static final int LOOKUPS = 50;

    /** One lookup: a connection from the pool for one query (asyncpg's {@code async with pool.acquire()}). */
    static Coro<String> fetchUser(Pool pool, int id) {
        return async("user " + id, () -> {
            try (PooledConnection conn = pool.acquire()) {
                Row row = conn.fetchrow("SELECT name, pg_sleep(0.1)::text AS waited FROM users WHERE id = ?", id);
                return row.get("name", String.class);
            }
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("12. A database pool: " + LOOKUPS + " lookups of 0.1 s each over a pool of " + POOL_SIZE
                + " connections (PostgreSQL, JDBC)");
        try (TestPostgres pg = TestPostgres.start()) {
            out.println("  started a throwaway PostgreSQL on 127.0.0.1:" + pg.port());
            runner.run(async(() -> {
                Pool pool = Pool.create(pg.dataSource(), 2, POOL_SIZE);
                try (PooledConnection conn = pool.acquire()) {
                    conn.transaction(() -> {
                        conn.execute("CREATE TABLE users(id int PRIMARY KEY, name text)");
                        conn.execute("INSERT INTO users SELECT i, 'user-' || i FROM generate_series(1, ?) i", LOOKUPS);
                    });
                }
                int[] ticks = {0};
                Task<Void> ticker = Aio.createTask(async("ticker", () -> {
                    while (true) {
                        Aio.sleep(0.05);
                        ticks[0]++;
                    }
                }));
                Timeline t = Timeline.start(out);
                List<Coro<String>> lookups = new ArrayList<>();
                for (int id = 1; id <= LOOKUPS; id++) {
                    lookups.add(fetchUser(pool, id));
                }
                List<String> names = await(gather(lookups));
                double took = t.elapsed();
                t.log("gathered " + names.size() + " users: " + names.get(0) + " ... " + names.get(names.size() - 1));
                out.printf("  %d lookups in %.2f s (one at a time: %.1f s); at most %d connections open;"
                        + " the ticker ticked %d times meanwhile%n", LOOKUPS, took, LOOKUPS * 0.1, pool.size(), ticks[0]);
                ticker.cancel();
                Timeline report = Timeline.start(out);
                try {
                    Aio.timeout(0.5, () -> pool.fetchval("SELECT pg_sleep(5)"));
                } catch (TimeoutError e) {
                    long running = pool.fetchval("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)'"
                            + " AND state = 'active'");
                    report.log("the 5 s report query timed out after 0.5 s; queries still running on the server: "
                            + running);
                }
                pool.close();
                out.println("  pool closed: " + pool.size() + " connections open");
                return null;
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }
}
