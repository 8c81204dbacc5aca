package org.aio4j.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.postgres.testing.TestPostgres;
import org.postgresql.ds.PGSimpleDataSource;

/** The tests' PostgreSQL (one per test JVM) and plain-JDBC looks at it from outside the pool. */
final class Db {
    private Db() {
    }

    static TestPostgres server() {
        return TestPostgres.shared();
    }

    /** A DataSource whose connections carry {@code application} as their name (to count them on the server). */
    static DataSource dataSource(String application) {
        PGSimpleDataSource ds = (PGSimpleDataSource) server().dataSource();
        ds.setApplicationName(application);
        return ds;
    }

    /** Runs {@code body} as the main coroutine of a new loop. */
    static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    /** The server's count of sessions named {@code application} (and, if not null, running {@code queryPrefix}). */
    static long sessions(String application, String queryPrefix) throws SQLException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application + "'"
                + (queryPrefix == null ? "" : " AND state = 'active' AND query LIKE '" + queryPrefix + "%'");
        try (Connection c = server().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs SQL outside any pool. */
    static void sql(String sql) throws SQLException {
        try (Connection c = server().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
