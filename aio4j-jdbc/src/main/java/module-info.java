/**
 * aio4j's database pool: asyncpg's pool for coroutines, on any JDBC driver. Start at
 * {@link org.aio4j.jdbc.Pool}. Built only on the public API of {@code org.aio4j},
 * {@code org.aio4j.lowlevel} and {@code org.aio4j.sync}; the JDBC driver is the application's.
 */
module org.aio4j.jdbc {
    requires transitive org.aio4j;
    requires transitive java.sql;
    exports org.aio4j.jdbc;
}
