package dev.tally.connectors.cassandra;

import static dev.tally.connectors.cassandra.FakePreparedStatement.BIGINT;
import static dev.tally.connectors.cassandra.FakePreparedStatement.BOOLEAN;
import static dev.tally.connectors.cassandra.FakePreparedStatement.COUNTER;
import static dev.tally.connectors.cassandra.FakePreparedStatement.INT;
import static dev.tally.connectors.cassandra.FakePreparedStatement.TEXT;
import static dev.tally.connectors.cassandra.FakePreparedStatement.TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import java.time.Instant;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CassandraUpsertTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?," + " ?, ?)",
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
        CassandraUpsert<String> plain = CassandraUpsert.of("INSERT INTO t (k) VALUES (?)", (record, row) -> row);

        assertThatThrownBy(() -> plain.withWriteTimestamp(record -> 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USING TIMESTAMP ?");
    }

    @Test
    void aWriteTimestampIsKeptAlongsideTheBinder() {
        CassandraUpsert<String> upsert = CassandraUpsert.<String>of(
                        "INSERT INTO t (k) VALUES (?) USING TIMESTAMP ?", (record, row) -> row.setString(0, record))
                .withWriteTimestamp(record -> 42L);

        assertThat(upsert.hasWriteTimestamp()).isTrue();
        assertThat(upsert.toString()).contains("write timestamp");
    }

    @Test
    void survivesJavaSerializationWithLambdas() throws Exception {
        CassandraUpsert<String> upsert = CassandraUpsert.<String>ofValues(
                        "INSERT INTO t (k, v) VALUES (?, ?) USING TIMESTAMP ?",
                        record -> new Object[] {record, record.length()})
                .withWriteTimestamp(record -> record.length() * 1_000L);

        CassandraUpsert<String> copy = InstantiationUtil.clone(upsert);

        assertThat(copy.cql()).isEqualTo(upsert.cql());
        assertThat(copy.hasWriteTimestamp()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "UPDATE t SET \"Ids\" = \"Ids\" + ? WHERE k = ?",
                "UPDATE clicks SET \"N\" = \"N\" + 1 WHERE ad_id = ?"
            })
    void rejectsIncrementsOfQuotedColumns(String cql) {
        assertThatThrownBy(() -> CassandraUpsert.ofValues(cql, record -> new Object[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("increments");
    }

    @Test
    void rejectsAPrependOfAListLiteral() {
        // Cassandra refuses bind markers inside collection literals, so only constants get here.
        String cql = "UPDATE t SET ids = ['x'] + ids WHERE k = ?";

        assertThatThrownBy(() -> CassandraUpsert.ofValues(cql, record -> new Object[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("increments");
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> CassandraUpsert.of(null, (record, row) -> row))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CassandraUpsert.of("INSERT INTO t (k) VALUES (?)", null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CassandraUpsert.ofValues("INSERT INTO t (k) VALUES (?)", null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aPreparedPlainUpsertHasNoTimestampMarker() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("v", BIGINT)
                .build();

        assertThat(upsert("INSERT INTO t (k, v) VALUES (?, ?)").checkPrepared(prepared))
                .isEqualTo(-1);
    }

    @Test
    void findsTheTimestampMarkerWhereverTheStatementPutsIt() {
        PreparedStatement first = new FakePreparedStatement()
                .variable("[timestamp]", BIGINT)
                .variable("v", BIGINT)
                .variable("k", TEXT)
                .build();
        PreparedStatement last = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("v", BIGINT)
                .variable("[timestamp]", BIGINT)
                .build();

        assertThat(upsert("UPDATE t USING TIMESTAMP ? SET v = ? WHERE k = ?")
                        .withWriteTimestamp(r -> 1L)
                        .checkPrepared(first))
                .isZero();
        assertThat(upsert("INSERT INTO t (k, v) VALUES (?, ?) USING TIMESTAMP ?")
                        .withWriteTimestamp(r -> 1L)
                        .checkPrepared(last))
                .isEqualTo(2);
    }

    @Test
    void refusesAPreparedCounterUpdate() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("n", COUNTER)
                .variable("k", TEXT)
                .build();
        // Whatever the text check lets through, a marker the server types as counter is refused.
        CassandraUpsert<String> upsert = upsert("UPDATE c SET n = ? WHERE k = ?");

        assertThatThrownBy(() -> upsert.checkPrepared(prepared))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Counter");
    }

    @Test
    void refusesAPreparedConditionalStatement() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("v", BIGINT)
                .variable("k", TEXT)
                .result("[applied]", BOOLEAN)
                .build();
        // Only the server knows this is conditional, e.g. when the text check is fooled.
        CassandraUpsert<String> upsert = upsert("UPDATE t SET v = ? WHERE k = ?");

        assertThatThrownBy(() -> upsert.checkPrepared(prepared))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conditional");
    }

    @Test
    void aTimestampMarkerAndAWriteTimestampGoTogether() {
        PreparedStatement withMarker = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("[timestamp]", BIGINT)
                .build();
        PreparedStatement withoutMarker = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("ts", BIGINT)
                .build();

        assertThatThrownBy(() ->
                        upsert("INSERT INTO t (k) VALUES (?) USING TIMESTAMP ?").checkPrepared(withMarker))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("withWriteTimestamp");
        // The text has the marker but the server named it otherwise (a named ':ts' marker).
        assertThatThrownBy(() -> upsert("INSERT INTO t (k) VALUES (?) USING TIMESTAMP ?")
                        .withWriteTimestamp(r -> 1L)
                        .checkPrepared(withoutMarker))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USING TIMESTAMP ?");
    }

    @Test
    void bindsExtractedValuesWithTheWriteTimestampAtItsMarker() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("[timestamp]", BIGINT)
                .variable("ad_ids", TEXT)
                .variable("filter_id", INT)
                .variable("window_end", TIMESTAMP)
                .build();
        Instant windowEnd = Instant.parse("2026-01-05T10:05:00Z");
        CassandraUpsert<Window> upsert = CassandraUpsert.<Window>ofValues(
                        "UPDATE w USING TIMESTAMP ? SET ad_ids = ?" + " WHERE filter_id = ? AND window_end = ?",
                        w -> new Object[] {w.topAd(), w.filterId(), w.windowEnd()})
                .withWriteTimestamp(w -> w.windowEnd().toEpochMilli() * 1_000L);
        BoundStatement row = upsert.prepare(prepared).bind(new Window(3, windowEnd, "ad-7"));

        assertThat(row.getLong(0)).isEqualTo(windowEnd.toEpochMilli() * 1_000L);
        assertThat(row.getString(1)).isEqualTo("ad-7");
        assertThat(row.getInt(2)).isEqualTo(3);
        assertThat(row.getInstant(3)).isEqualTo(windowEnd);
        assertThat(row.isIdempotent()).isTrue();
    }

    @Test
    void bindsATimeToLiveComputedPerRowAtItsMarkerAndNeverZero() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("filter_id", INT)
                .variable("window_end", TIMESTAMP)
                .variable("ad_ids", TEXT)
                .variable("[timestamp]", BIGINT)
                .variable("[ttl]", INT)
                .build();
        Instant windowEnd = Instant.parse("2026-01-05T10:05:00Z");
        CassandraUpsert<Window> upsert = CassandraUpsert.<Window>ofValues(
                        "INSERT INTO w (filter_id, window_end, ad_ids) VALUES (?, ?, ?) USING TIMESTAMP ? AND TTL ?",
                        w -> new Object[] {w.filterId(), w.windowEnd(), w.topAd()})
                .withWriteTimestamp(w -> 7L)
                .withTimeToLive((w, now) -> w.filterId() - 5);
        PreparedUpsert<Window> bound = upsert.prepare(prepared);

        BoundStatement row = bound.bind(new Window(65, windowEnd, "ad-7"));
        assertThat(row.getInt(0)).isEqualTo(65);
        assertThat(row.getString(2)).isEqualTo("ad-7");
        assertThat(row.getLong(3)).isEqualTo(7L);
        assertThat(row.getInt(4)).isEqualTo(60);
        assertThat(bound.bind(new Window(2, windowEnd, "ad-7")).getInt(4))
                .as("0 would mean forever")
                .isEqualTo(1);
    }

    @Test
    void aNullIsWrittenUnlessNullsAreLeftUnset() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("v", TEXT)
                .build();
        CassandraUpsert<String> upsert =
                CassandraUpsert.ofValues("INSERT INTO t (k, v) VALUES (?, ?)", r -> new Object[] {r, null});

        BoundStatement written = upsert.prepare(prepared).bind("a");
        assertThat(written.isSet(1)).isTrue();
        assertThat(written.isNull(1)).isTrue();
        BoundStatement unset = upsert.leavingNullsUnset().prepare(prepared).bind("a");
        assertThat(unset.getString(0)).isEqualTo("a");
        assertThat(unset.isSet(1)).as("no tombstone").isFalse();
    }

    @Test
    void aTimeToLiveNeedsATtlMarker() {
        assertThatThrownBy(() -> CassandraUpsert.<String>ofValues("INSERT INTO t (k) VALUES (?)", r -> new Object[] {r})
                        .withTimeToLive((r, now) -> 1))
                .hasMessageContaining("TTL ?");
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("[ttl]", INT)
                .build();
        assertThatThrownBy(() -> CassandraUpsert.<String>ofValues(
                                "INSERT INTO t (k) VALUES (?) USING TTL ?", r -> new Object[] {r})
                        .prepare(prepared))
                .hasMessageContaining("withTimeToLive");
    }

    @Test
    void bindsExtractedValuesInOrderWithoutAWriteTimestamp() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("filter_id", INT)
                .variable("window_end", TIMESTAMP)
                .variable("ad_ids", TEXT)
                .build();
        Instant windowEnd = Instant.parse("2026-01-05T10:05:00Z");
        CassandraUpsert<Window> upsert =
                CassandraUpsert.ofValues("INSERT INTO w (filter_id, window_end, ad_ids) VALUES (?, ?, ?)", w ->
                        new Object[] {w.filterId(), w.windowEnd(), w.topAd()});

        BoundStatement row = upsert.prepare(prepared).bind(new Window(1, windowEnd, "ad-1"));

        assertThat(List.of(row.getInt(0), row.getInstant(1), row.getString(2))).containsExactly(1, windowEnd, "ad-1");
        assertThat(row.isIdempotent()).isTrue();
    }

    /** A row retried after a newer value of its key was written must lose: it keeps the time it was bound. */
    @Test
    void aRowWithoutAWriteTimestampCarriesTheTimeItWasBoundAndEachLaterRowALaterOne() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("filter_id", INT)
                .variable("window_end", TIMESTAMP)
                .variable("ad_ids", TEXT)
                .build();
        CassandraUpsert<Window> upsert =
                CassandraUpsert.ofValues("INSERT INTO w (filter_id, window_end, ad_ids) VALUES (?, ?, ?)", w ->
                        new Object[] {w.filterId(), w.windowEnd(), w.topAd()});
        PreparedUpsert<Window> rows = upsert.prepare(prepared);
        long before = System.currentTimeMillis() * 1000;
        BoundStatement first = rows.bind(new Window(1, Instant.EPOCH, "ad-1"));
        BoundStatement second = rows.bind(new Window(1, Instant.EPOCH, "ad-2"));
        assertThat(first.getQueryTimestamp()).isBetween(before, System.currentTimeMillis() * 1000 + 1000);
        assertThat(second.getQueryTimestamp()).isGreaterThan(first.getQueryTimestamp());
    }

    @Test
    void aBinderLeavesTheTimestampMarkerToTheWriteTimestamp() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("v", BIGINT)
                .variable("[timestamp]", BIGINT)
                .build();
        CassandraUpsert<String> upsert = CassandraUpsert.<String>of(
                        "INSERT INTO t (k, v) VALUES (?, ?) USING TIMESTAMP ?",
                        (record, row) -> row.setString(0, record).setLong(1, record.length()))
                .withWriteTimestamp(record -> 1_700_000_000_000_000L);

        BoundStatement row = upsert.prepare(prepared).bind("abc");

        assertThat(row.getString(0)).isEqualTo("abc");
        assertThat(row.getLong(1)).isEqualTo(3L);
        assertThat(row.getLong(2)).isEqualTo(1_700_000_000_000_000L);
        assertThat(row.isIdempotent()).isTrue();
    }

    /** Codecs are kept per marker; a null, or a value of another Java type, still binds right. */
    @Test
    void bindsRowAfterRowWithNullsAndChangingValueTypes() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("v", BIGINT)
                .build();
        PreparedUpsert<Object[]> upsert = CassandraUpsert.<Object[]>ofValues(
                        "INSERT INTO t (k, v) VALUES (?, ?)", values -> values)
                .prepare(prepared);

        BoundStatement first = upsert.bind(new Object[] {"a", 1L});
        BoundStatement nulls = upsert.bind(new Object[] {null, null});
        BoundStatement second = upsert.bind(new Object[] {"b", 2L});

        assertThat(List.of(first.getString(0), first.getLong(1))).containsExactly("a", 1L);
        assertThat(nulls.isNull(0)).isTrue();
        assertThat(nulls.isNull(1)).isTrue();
        assertThat(List.of(second.getString(0), second.getLong(1))).containsExactly("b", 2L);
        assertThatThrownBy(() -> upsert.bind(new Object[] {"c", "not a bigint"}))
                .isInstanceOf(CodecNotFoundException.class);
        assertThatThrownBy(() -> upsert.bind(new Object[] {"c"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Got 1 values for the 2 markers");
    }

    /** Text goes in as the driver's own text codec encodes it, whatever the characters. */
    @Test
    void bindsTextAsTheDriversCodecEncodesIt() {
        PreparedStatement prepared = new FakePreparedStatement()
                .variable("k", TEXT)
                .variable("v", BIGINT)
                .build();
        PreparedUpsert<Object[]> upsert = CassandraUpsert.<Object[]>ofValues(
                        "INSERT INTO t (k, v) VALUES (?, ?)", values -> values)
                .prepare(prepared);

        for (String text : List.of("ad0001234", "", "país-ü-€-😀")) {
            BoundStatement row = upsert.bind(new Object[] {text, 1L});

            assertThat(row.getBytesUnsafe(0)).isEqualTo(TypeCodecs.TEXT.encode(text, ProtocolVersion.DEFAULT));
            assertThat(row.getString(0)).isEqualTo(text);
        }
    }

    private static CassandraUpsert<String> upsert(String cql) {
        return CassandraUpsert.ofValues(cql, record -> new Object[] {record});
    }

    /** A top-ads window reduced to what the binding tests need. */
    private record Window(int filterId, Instant windowEnd, String topAd) {}
}
