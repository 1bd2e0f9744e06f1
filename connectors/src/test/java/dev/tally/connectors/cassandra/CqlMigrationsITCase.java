package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.ListType;
import dev.tally.stack.CqlSchema;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The schema's numbered migrations on a real Cassandra: an installation made before migrations
 * existed (the baseline's tables, no version table) moves to the current layout, a current keyspace
 * is left alone, and a migration whose files changed after it was applied is refused.
 */
@ExtendWith(RealServicesExtension.class)
class CqlMigrationsITCase {

    private static final AtomicInteger KEYSPACES = new AtomicInteger();

    @Test
    void anInstallationFromBeforeMigrationsGetsFrozenTopNListsAndKeepsItsCounts(TestCassandra cassandra) {
        CqlSession session = cassandra.session();
        String keyspace = "old_install_" + KEYSPACES.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        session.execute("CREATE KEYSPACE " + keyspace + " WITH replication = " + CqlSchema.LOCAL_REPLICATION);
        CqlSchema.migrations().get(0).statements(keyspace).forEach(session::execute);
        session.execute("INSERT INTO " + keyspace
                + ".ad_click_counts (ad_id, filter_id, click_minute, count) VALUES ('ad1', 0, 0, 7)");
        // The defect the migration removes: a non-frozen list rewritten at the same timestamp appends.
        writeTopListTwiceAtOneTimestamp(session, keyspace);
        assertThat(topList(session, keyspace)).containsExactly("ad1", "ad2", "ad1", "ad2");

        List<CqlSchema.Migration> applied = CqlSchema.apply(session, keyspace, CqlSchema.LOCAL_REPLICATION);

        assertThat(applied)
                .as("every migration, the baseline's again (its statements are idempotent)")
                .isEqualTo(CqlSchema.migrations());
        for (String table : List.of("top_ads", "top_ads_latest")) {
            var column = session.refreshSchema()
                    .getKeyspace(keyspace)
                    .orElseThrow()
                    .getTable(table)
                    .orElseThrow()
                    .getColumn("ad_ids")
                    .orElseThrow();
            assertThat(((ListType) column.getType()).isFrozen()).as(table).isTrue();
        }
        writeTopListTwiceAtOneTimestamp(session, keyspace);
        assertThat(topList(session, keyspace)).containsExactly("ad1", "ad2");
        assertThat(session.execute("SELECT count FROM " + keyspace
                                + ".ad_click_counts WHERE ad_id = 'ad1' AND filter_id = 0")
                        .one()
                        .getLong(0))
                .as("a table the migrations do not touch keeps its rows")
                .isEqualTo(7);
        for (String table : List.of("metric_rollups_1m", "metric_rollups_1h")) {
            assertThat(session.getMetadata()
                            .getKeyspace(keyspace)
                            .orElseThrow()
                            .getTable(table)
                            .orElseThrow()
                            .getColumn("sketch"))
                    .as("migration 3: %s keeps its buckets' percentile sketches", table)
                    .hasValueSatisfying(c -> assertThat(c.getType()).isEqualTo(DataTypes.BLOB));
        }
        assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("alert_history"))
                .as("migration 4: the alert history table")
                .isPresent();
        assertThat(session.execute("SELECT version FROM " + keyspace + ".schema_migrations")
                        .all())
                .hasSize(CqlSchema.migrations().size());

        assertThat(CqlSchema.apply(session, keyspace, CqlSchema.LOCAL_REPLICATION))
                .as("again: nothing to do")
                .isEmpty();
    }

    @Test
    void aFreshKeyspaceGetsEveryMigrationAndAChangedOneIsRefused(TestCassandra cassandra) {
        CqlSession session = cassandra.session();
        String keyspace = "fresh_install_" + KEYSPACES.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        assertThat(CqlSchema.apply(session, keyspace, CqlSchema.LOCAL_REPLICATION))
                .hasSize(CqlSchema.migrations().size());
        assertThat(CqlSchema.pending(session, keyspace)).isEmpty();

        session.execute("UPDATE " + keyspace + ".schema_migrations SET checksum = 'edited' WHERE version = 1");
        assertThatThrownBy(() -> CqlSchema.apply(session, keyspace, CqlSchema.LOCAL_REPLICATION))
                .hasMessageContaining("released migrations must not change");

        session.execute(
                "UPDATE " + keyspace + ".schema_migrations SET checksum = ? WHERE version = 1",
                CqlSchema.migrations().get(0).checksum());
        session.execute("INSERT INTO " + keyspace
                + ".schema_migrations (version, name, checksum) VALUES (99, 'from-a-newer-build', 'x')");
        assertThatThrownBy(() -> CqlSchema.pending(session, keyspace)).hasMessageContaining("use a newer build");
    }

    private static void writeTopListTwiceAtOneTimestamp(CqlSession session, String keyspace) {
        for (int i = 0; i < 2; i++) {
            session.execute("UPDATE " + keyspace + ".top_ads_latest USING TIMESTAMP 1000 SET ad_ids = ['ad1', 'ad2']"
                    + " WHERE filter_id = 0 AND window_minutes = 1");
        }
    }

    private static List<String> topList(CqlSession session, String keyspace) {
        return session.execute(
                        "SELECT ad_ids FROM " + keyspace + ".top_ads_latest WHERE filter_id = 0 AND window_minutes = 1")
                .one()
                .getList(0, String.class);
    }
}
