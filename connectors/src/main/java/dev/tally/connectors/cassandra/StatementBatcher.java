package dev.tally.connectors.cassandra;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups bound upserts that share a group (a partition, or a replica set) into unlogged batches, as
 * DataStax Bulk Loader does: one request then carries several rows, which saves the driver and the
 * server their per-request work. A group is sent when it reaches {@code maxStatements} or {@code
 * maxBytes} of values; everything buffered is sent when {@code bufferSize} statements are held and
 * on {@link #sendAll}, so nothing waits longer than the caller lets it.
 *
 * <p>A batch has one write timestamp for all its rows, so two writes of one row in one batch would
 * tie, and Cassandra settles a tie by the larger cell value, not the later write: a newer write of
 * a row replaces the older one still waiting in its group (the row is written once, as the newer
 * says), which is also one row fewer to send.
 *
 * <p>Not thread-safe: the sink writer's task thread is its only user.
 */
final class StatementBatcher {

    /** Where a statement goes; may block, which back-pressures the writer. */
    @FunctionalInterface
    interface Sender {
        void send(Statement<?> statement) throws IOException, InterruptedException;
    }

    private final Function<BoundStatement, Object> groupOf;
    private final Function<BoundStatement, Object> rowOf;
    private final int maxStatements;
    private final int maxBytes;
    private final int bufferSize;
    private final Sender sender;

    private final Map<Object, Group> groups = new LinkedHashMap<>();
    private int buffered;

    /**
     * @param groupOf which statements may share a batch; a null group means "send alone"
     * @param rowOf which row a statement writes (its primary key's values); null when unknown, and
     *     then a statement never replaces another
     * @param maxStatements rows per batch
     * @param maxBytes bound values per batch, kept under the server's {@code batch_size_warn_threshold}
     * @param bufferSize statements held across all groups before all are sent
     */
    StatementBatcher(
            Function<BoundStatement, Object> groupOf,
            Function<BoundStatement, Object> rowOf,
            int maxStatements,
            int maxBytes,
            int bufferSize,
            Sender sender) {
        checkArgument(maxStatements >= 1, "maxStatements must be positive, got %s", maxStatements);
        checkArgument(maxBytes >= 1, "maxBytes must be positive, got %s", maxBytes);
        checkArgument(bufferSize >= 1, "bufferSize must be positive, got %s", bufferSize);
        this.groupOf = checkNotNull(groupOf, "groupOf");
        this.rowOf = checkNotNull(rowOf, "rowOf");
        this.maxStatements = maxStatements;
        this.maxBytes = maxBytes;
        this.bufferSize = bufferSize;
        this.sender = checkNotNull(sender, "sender");
    }

    void add(BoundStatement statement) throws IOException, InterruptedException {
        Object key = maxStatements == 1 ? null : groupOf.apply(statement);
        if (key == null) {
            sender.send(statement);
            return;
        }
        int bytes = valueBytes(statement);
        Group group = groups.get(key);
        Object row = rowOf.apply(statement);
        if (group != null && row != null && group.replace(row, statement, bytes)) {
            return;
        }
        if (group != null && group.bytes + bytes > maxBytes) {
            send(groups.remove(key));
            group = null;
        }
        if (group == null) {
            group = new Group();
            groups.put(key, group);
        }
        group.add(row, statement, bytes);
        buffered++;
        if (group.statements.size() >= maxStatements) {
            send(groups.remove(key));
        }
        if (buffered >= bufferSize) {
            sendAll();
        }
    }

    /** Sends every buffered statement. */
    void sendAll() throws IOException, InterruptedException {
        List<Group> pending = new ArrayList<>(groups.values());
        groups.clear();
        for (Group group : pending) {
            send(group);
        }
    }

    int buffered() {
        return buffered;
    }

    /** Rows a statement sent by this batcher carries. */
    static int rows(Statement<?> statement) {
        return statement instanceof BatchStatement batch ? batch.size() : 1;
    }

    private void send(Group group) throws IOException, InterruptedException {
        buffered -= group.statements.size();
        if (group.statements.size() == 1) {
            sender.send(group.statements.get(0));
            return;
        }
        // A batch has one default timestamp (its rows' own are not sent): its latest row's, so that
        // the batch, sent or retried, never goes after a row bound later.
        long latest = Statement.NO_DEFAULT_TIMESTAMP;
        for (BoundStatement statement : group.statements) {
            latest = Math.max(latest, statement.getQueryTimestamp());
        }
        // Every statement is an idempotent upsert, so the batch is too: the driver may retry it.
        sender.send(BatchStatement.newInstance(DefaultBatchType.UNLOGGED)
                .addAll(group.statements)
                .setQueryTimestamp(latest)
                .setIdempotent(true));
    }

    private static int valueBytes(BoundStatement statement) {
        int bytes = 0;
        for (ByteBuffer value : statement.getValues()) {
            bytes += value == null ? 0 : value.remaining();
        }
        return bytes;
    }

    private static final class Group {
        final List<BoundStatement> statements = new ArrayList<>();
        final List<Integer> statementBytes = new ArrayList<>();
        final Map<Object, Integer> rows = new HashMap<>();
        int bytes;

        void add(Object row, BoundStatement statement, int size) {
            if (row != null) {
                rows.put(row, statements.size());
            }
            statements.add(statement);
            statementBytes.add(size);
            bytes += size;
        }

        /** Puts {@code statement} in the place of an earlier write of {@code row}, if there is one. */
        boolean replace(Object row, BoundStatement statement, int size) {
            Integer at = rows.get(row);
            if (at == null) {
                return false;
            }
            bytes += size - statementBytes.get(at);
            statements.set(at, statement);
            statementBytes.set(at, size);
            return true;
        }
    }
}
