package dev.tally.connectors.cassandra;

import static dev.tally.connectors.cassandra.FakePreparedStatement.BIGINT;
import static dev.tally.connectors.cassandra.FakePreparedStatement.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class StatementBatcherTest {

    private static final PreparedStatement PREPARED = new FakePreparedStatement()
            .variable("k", TEXT)
            .variable("v", BIGINT)
            .build();

    private final List<Statement<?>> sent = new ArrayList<>();

    /** Groups by the first column; "solo" rows get no group. */
    private StatementBatcher batcher(int maxStatements, int maxBytes, int bufferSize) {
        return new StatementBatcher(
                row -> "solo".equals(row.getString(0)) ? null : row.getString(0),
                row -> null,
                maxStatements,
                maxBytes,
                bufferSize,
                sent::add);
    }

    private static BoundStatement row(String key, long value) {
        return PREPARED.boundStatementBuilder(key, value).build();
    }

    @Test
    void aFullGroupLeavesAsOneUnloggedIdempotentBatchInArrivalOrder() throws Exception {
        StatementBatcher batcher = batcher(3, 4096, 100);

        batcher.add(row("a", 1));
        batcher.add(row("a", 2));
        assertThat(sent).isEmpty();
        batcher.add(row("a", 3));

        assertThat(sent).hasSize(1);
        BatchStatement batch = (BatchStatement) sent.get(0);
        assertThat(batch.getBatchType()).isEqualTo(DefaultBatchType.UNLOGGED);
        assertThat(batch.isIdempotent()).isTrue();
        assertThat(values(batch)).containsExactly(1L, 2L, 3L);
        assertThat(StatementBatcher.rows(batch)).isEqualTo(3);
        assertThat(batcher.buffered()).isZero();
    }

    @Test
    void aBatchCarriesTheLatestWriteTimestampOfItsRows() throws Exception {
        StatementBatcher batcher = batcher(3, 4096, 100);
        batcher.add(row("a", 1).setQueryTimestamp(5));
        batcher.add(row("a", 2).setQueryTimestamp(9));
        batcher.add(row("a", 3).setQueryTimestamp(7));
        assertThat(sent.get(0).getQueryTimestamp()).isEqualTo(9);
    }

    @Test
    void groupsStayApartAndALoneRowIsSentAsItself() throws Exception {
        StatementBatcher batcher = batcher(10, 4096, 100);
        batcher.add(row("a", 1));
        batcher.add(row("b", 2));
        batcher.add(row("a", 3));

        batcher.sendAll();

        assertThat(sent).hasSize(2);
        assertThat(values((BatchStatement) sent.get(0))).containsExactly(1L, 3L);
        assertThat(sent.get(1)).isInstanceOf(BoundStatement.class);
        assertThat(((BoundStatement) sent.get(1)).getLong(1)).isEqualTo(2L);
        assertThat(StatementBatcher.rows(sent.get(1))).isEqualTo(1);
        assertThat(batcher.buffered()).isZero();
    }

    @Test
    void aRowWithoutAGroupIsSentAtOnce() throws Exception {
        StatementBatcher batcher = batcher(10, 4096, 100);

        batcher.add(row("solo", 7));

        assertThat(sent).hasSize(1);
        assertThat(batcher.buffered()).isZero();
    }

    @Test
    void aGroupIsSentBeforeARowWouldTakeItOverTheByteLimit() throws Exception {
        // Each row's values: "a" (1 byte) + a bigint (8 bytes) = 9 bytes.
        StatementBatcher batcher = batcher(10, 20, 100);
        batcher.add(row("a", 1));
        batcher.add(row("a", 2));
        assertThat(sent).isEmpty();

        batcher.add(row("a", 3));

        assertThat(sent).hasSize(1);
        assertThat(values((BatchStatement) sent.get(0))).containsExactly(1L, 2L);
        assertThat(batcher.buffered()).isEqualTo(1);
    }

    @Test
    void aFullBufferSendsEveryGroup() throws Exception {
        StatementBatcher batcher = batcher(10, 4096, 3);
        batcher.add(row("a", 1));
        batcher.add(row("b", 2));

        batcher.add(row("c", 3));

        assertThat(sent).hasSize(3);
        assertThat(batcher.buffered()).isZero();
    }

    @Test
    void oneStatementPerBatchMeansNoBatches() throws Exception {
        StatementBatcher batcher = batcher(1, 4096, 100);

        batcher.add(row("a", 1));
        batcher.add(row("a", 2));

        assertThat(sent).allMatch(BoundStatement.class::isInstance).hasSize(2);
    }

    @Test
    void aNewerWriteOfARowReplacesTheOneWaitingInItsGroup() throws Exception {
        // Rows are identified by value / 10: 11 and 12 write the same row, 12 later.
        StatementBatcher batcher =
                new StatementBatcher(row -> row.getString(0), row -> row.getLong(1) / 10, 3, 4096, 100, sent::add);
        batcher.add(row("a", 11).setQueryTimestamp(5));
        batcher.add(row("a", 21).setQueryTimestamp(6));
        batcher.add(row("a", 12).setQueryTimestamp(7));
        assertThat(sent).isEmpty();
        assertThat(batcher.buffered()).isEqualTo(2);

        batcher.sendAll();
        BatchStatement batch = (BatchStatement) sent.get(0);
        // In one batch both writes would share its timestamp, and the larger value would win the tie.
        assertThat(values(batch)).containsExactly(12L, 21L);
        assertThat(batch.getQueryTimestamp()).isEqualTo(7);
    }

    @Test
    void rejectsLimitsBelowOne() {
        assertThatThrownBy(() -> batcher(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batcher(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batcher(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> values(BatchStatement batch) {
        return StreamSupport.stream(batch.spliterator(), false)
                .map(statement -> ((BoundStatement) (BatchableStatement<?>) statement).getLong(1))
                .toList();
    }
}
