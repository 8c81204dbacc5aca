package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.gather;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.jdbc.Pool;
import org.aio4j.jdbc.PoolOptions;
import org.aio4j.jdbc.PooledConnection;
import org.aio4j.jdbc.Row;
import org.aio4j.postgres.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/** The examples of docs/databases.md, against a real PostgreSQL started here: if they break, the guide is wrong. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabasesGuideTest {
    static TestPostgres pg;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        pg = TestPostgres.start();
        url = pg.jdbcUrl();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(pg.user());
        return ds;
    }

    @Test
    void aPool() {
        List<String> printed = new ArrayList<>();
        run(() -> {
            PGSimpleDataSource ds = dataSource();
            Pool pool = Pool.create(ds, 2, 10);
            try (PooledConnection conn = pool.acquire()) {
                conn.execute("CREATE TABLE users(id serial PRIMARY KEY, name text, age int)");
                int id = conn.fetchval("INSERT INTO users(name, age) VALUES (?, ?) RETURNING id", "ada", 36);
                Row row = conn.fetchrow("SELECT name, age FROM users WHERE id = ?", id);
                printed.add(row.get("name") + " " + row.get("age", Integer.class));
                List<Row> all = conn.fetch("SELECT * FROM users ORDER BY id");
                assertThat(all).hasSize(1);
            }
            long n = pool.fetchval("SELECT count(*) FROM users");
            assertThat(n).isEqualTo(1);
            assertThat(pool.size()).isEqualTo(2);
            pool.close();
        });
        assertThat(printed).containsExactly("ada 36");
    }

    @Test
    void transactions() {
        run(() -> {
            Pool pool = Pool.create(dataSource(), 1, 1);
            pool.execute("CREATE TABLE accounts(id int PRIMARY KEY, balance int);"
                    + " INSERT INTO accounts VALUES (1, 100), (2, 0)");
            try (PooledConnection conn = pool.acquire()) {
                conn.transaction(() -> {
                    conn.execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1");
                    conn.execute("UPDATE accounts SET balance = balance + 10 WHERE id = 2");
                });
                assertThatThrownBy(() -> conn.transaction(() -> {
                    conn.execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1");
                    throw new IllegalStateException("transfer refused");
                })).hasMessage("transfer refused");
            }
            List<Row> balances = pool.fetch("SELECT balance FROM accounts ORDER BY id");
            assertThat(balances).extracting(r -> r.get(0)).containsExactly(90, 10);
            pool.close();
        });
    }

    @Test
    void poolSizeAndWaiting() {
        run(() -> {
            Pool pool = Pool.create(dataSource(), 20, 20);
            List<Double> ticks = new ArrayList<>();
            Task<Void> ticker = Aio.createTask(async(() -> {
                while (true) {
                    ticks.add(Aio.runningLoop().time());
                    Aio.sleep(0.01);
                }
            }));
            double start = Aio.runningLoop().time();
            List<Coro<Object>> queries = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                queries.add(async(() -> pool.fetchval("SELECT pg_sleep(0.1)")));
            }
            await(gather(queries));
            double took = Aio.runningLoop().time() - start;
            ticker.cancel();
            assertThat(took).isBetween(0.49, 3.0);
            double maxGap = 0;
            for (int i = 1; i < ticks.size(); i++) {
                maxGap = Math.max(maxGap, ticks.get(i) - ticks.get(i - 1));
            }
            assertThat(maxGap).isLessThan(0.095);
            assertThat(pool.size()).isEqualTo(20);

            Pool small = Pool.create(dataSource(), PoolOptions.of(0, 1).withAcquireTimeout(0.1));
            try (PooledConnection held = small.acquire()) {
                assertThatThrownBy(small::acquire).isInstanceOf(TimeoutError.class).hasMessageContaining("all 1");
            }
            small.close();
            pool.close();
        });
    }

    @Test
    void cancellationAndTimeouts() throws SQLException {
        run(() -> {
            Pool pool = Pool.create(dataSource(), 1, 1);
            boolean timedOut = false;
            try {
                Aio.timeout(0.5, () -> pool.fetchval("SELECT pg_sleep(30)"));
            } catch (TimeoutError e) {
                timedOut = true;
            }
            assertThat(timedOut).isTrue();
            long running = pool.fetchval("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
                    + " AND state = 'active'");
            assertThat(running).isZero();
            assertThat(pool.size()).isEqualTo(1);
            pool.close();
        });
    }

    @Test
    void misuse() {
        run(() -> {
            Pool pool = Pool.create(dataSource(), 0, 1);
            PooledConnection conn = pool.acquire();
            conn.close();
            assertThatThrownBy(() -> conn.fetch("SELECT 1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("acquire() another one");
            pool.close();
        });
        assertThatThrownBy(() -> Pool.create(dataSource(), 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PoolOptions.of(3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and max");
    }
}
