package dev.tally.connectors.cassandra;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CassandraUpsertTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?,"
                    + " ?, ?)",
                "  insert into t (k, v) values (?, ?) using ttl 3600",
                "UPDATE top_ads_latest USING TIMESTAMP ? SET ad_ids = ? WHERE filter_id = ?",
                "UPDATE t SET note = 'if x = x + 1' WHERE k = ?",
                "UPDATE t SET \"If\" = ? WHERE k = ?",
                "INSERT INTO t (k, timestamp) VALUES (?, ?)"
            })
    void acceptsPlainUpserts(String cql) {
        assertThat(CassandraUpsert.of(cql, (record, row) -> row).cql()).isEqualTo(cql);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT * FROM t",
                "DELETE FROM t WHERE k = ?",
                "BEGIN BATCH INSERT INTO t (k) VALUES (?); APPLY BATCH",
                "TRUNCATE t",
                "   "
            })
    void rejectsStatementsThatAreNotUpserts(String cql) {
        assertThatThrownBy(() -> CassandraUpsert.of(cql, (record, row) -> row))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO t (k, v) VALUES (?, ?) IF NOT EXISTS",
                "UPDATE t SET v = ? WHERE k = ? IF EXISTS",
                "UPDATE t SET v = ? WHERE k = ? if v = ?"
            })
    void rejectsConditionalStatements(String cql) {
        assertThatThrownBy(() -> CassandraUpsert.of(cql, (record, row) -> row))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conditional");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "UPDATE clicks SET count = count + ? WHERE ad_id = ?",
                "UPDATE clicks SET count=count-1 WHERE ad_id = ?",
                "UPDATE t SET ids = ids + ? WHERE k = ?",
                "UPDATE t SET ids = ? + ids WHERE k = ?",
                "UPDATE t SET ids = :ids + ids WHERE k = :k"
            })
    void rejectsIncrements(String cql) {
        assertThatThrownBy(() -> CassandraUpsert.ofValues(cql, record -> new Object[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("increments");
    }

    @Test
    void aWriteTimestampNeedsAUsingTimestampMarker() {
        CassandraUpsert<String> plain =
                CassandraUpsert.of("INSERT INTO t (k) VALUES (?)", (record, row) -> row);

        assertThatThrownBy(() -> plain.withWriteTimestamp(record -> 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USING TIMESTAMP ?");
    }

    @Test
    void aWriteTimestampIsKeptAlongsideTheBinder() {
        CassandraUpsert<String> upsert =
                CassandraUpsert.<String>of(
                                "INSERT INTO t (k) VALUES (?) USING TIMESTAMP ?",
                                (record, row) -> row.setString(0, record))
                        .withWriteTimestamp(record -> 42L);

        assertThat(upsert.hasWriteTimestamp()).isTrue();
        assertThat(upsert.toString()).contains("write timestamp");
    }

    @Test
    void insertAtPlacesTheTimestampAmongTheValues() {
        Object[] values = {"a", 1, 2L};

        assertThat(CassandraUpsert.insertAt(values, 0, 9L)).containsExactly(9L, "a", 1, 2L);
        assertThat(CassandraUpsert.insertAt(values, 2, 9L)).containsExactly("a", 1, 9L, 2L);
        assertThat(CassandraUpsert.insertAt(values, 3, 9L)).containsExactly("a", 1, 2L, 9L);
        assertThatThrownBy(() -> CassandraUpsert.insertAt(values, 4, 9L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void survivesJavaSerializationWithLambdas() throws Exception {
        CassandraUpsert<String> upsert =
                CassandraUpsert.<String>ofValues(
                                "INSERT INTO t (k, v) VALUES (?, ?) USING TIMESTAMP ?",
                                record -> new Object[] {record, record.length()})
                        .withWriteTimestamp(record -> record.length() * 1_000L);

        CassandraUpsert<String> copy = InstantiationUtil.clone(upsert);

        assertThat(copy.cql()).isEqualTo(upsert.cql());
        assertThat(copy.hasWriteTimestamp()).isTrue();
    }
}
