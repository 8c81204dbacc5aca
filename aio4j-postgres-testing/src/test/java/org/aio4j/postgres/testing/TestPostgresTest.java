package org.aio4j.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server the database tests use: it starts with no manual step, answers SQL, and stops clean. */
@Timeout(120)
class TestPostgresTest {

    @Test
    void startedServerAnswersQueriesAndIsGoneAfterClose() throws Exception {
        String url;
        try (TestPostgres pg = TestPostgres.start()) {
            url = pg.jdbcUrl();
            try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select current_setting('server_version_num')::int, 1 + 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(100_000);
                assertThat(rs.getInt(2)).isEqualTo(2);
            }
        }
        if (System.getenv("AIO4J_PG_URL") == null) {
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void sharedServerIsOnePerJvm() {
        assertThat(TestPostgres.shared()).isSameAs(TestPostgres.shared());
    }
}
