package dev.tally.connectors.cassandra;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Writes each record as one idempotent upsert through a single async driver session, grouped into
 * unlogged batches by {@link CassandraSink.Batching}, at most {@code maxInFlightRequests} requests at
 * a time; {@link #flush} returns only once Cassandra has acknowledged every row written before it.
 */
final class CassandraSinkWriter<T> implements SinkWriter<T> {

    /** The replica set of every row on a one-node cluster. */
    private static final Object ONE_NODE = new Object();

    private final CqlSession session;
    private final PreparedUpsert<T> upsert;
    private final InFlightWrites<Statement<?>> writes;
    private final StatementBatcher batcher;
    private final ProcessingTimeService time;
    private final long lingerMillis;
    private boolean sendScheduled;
    private final Counter recordsSent;

    CassandraSinkWriter(
            CassandraConnection connection,
            CassandraUpsert<T> upsert,
            int maxInFlightRequests,
            RetrySettings retry,
            CassandraSink.Batching batching,
            ProcessingTimeService time,
            SinkWriterMetricGroup metrics,
            String name)
            throws IOException {
        this.time = time;
        this.lingerMillis = batching.linger().toMillis();
        try {
            this.session = connection.open(name);
        } catch (RuntimeException e) {
            throw new IOException("Could not connect to Cassandra: " + connection, e);
        }
        try {
            PreparedStatement statement = session.prepare(upsert.cql());
            this.upsert = upsert.prepare(statement);
            // Completions run on the driver's I/O threads, so the counters must be thread-safe.
            Counter rowsWritten = metrics.counter("rowsWritten", new ThreadSafeSimpleCounter());
            Counter writeRetries = metrics.counter("writeRetries", new ThreadSafeSimpleCounter());
            Counter writeFailures = metrics.counter("writeFailures", new ThreadSafeSimpleCounter());
            this.writes = new InFlightWrites<>(
                    name,
                    session::executeAsync,
                    StatementBatcher::rows,
                    maxInFlightRequests,
                    retry,
                    rowsWritten,
                    writeRetries,
                    writeFailures);
            metrics.gauge("inFlightRequests", (Gauge<Integer>) writes::inFlight);
            this.batcher = new StatementBatcher(
                    groupOf(batching.mode(), session, statement),
                    rowOf(session, statement),
                    batching.maxStatements(),
                    batching.maxBytes(),
                    batching.bufferSize(),
                    writes::submit);
            this.recordsSent = metrics.getNumRecordsSendCounter();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        batcher.add(upsert.bind(element));
        recordsSent.inc();
        if (batcher.buffered() > 0 && !sendScheduled) {
            // Rows of a quiet stream must not wait for the next checkpoint to reach the tables.
            sendScheduled = true;
            time.registerTimer(time.getCurrentProcessingTime() + lingerMillis, now -> sendBuffered());
        }
    }

    private void sendBuffered() throws IOException, InterruptedException {
        sendScheduled = false;
        batcher.sendAll();
    }

    private static Function<BoundStatement, Object> groupOf(
            CassandraSink.BatchMode mode, CqlSession session, PreparedStatement prepared) {
        return switch (mode) {
            case DISABLED -> row -> null;
            case PARTITION_KEY -> BoundStatement::getRoutingKey;
            case REPLICA_SET -> {
                // One statement, one table: its keyspace is looked up once, not per row.
                CqlIdentifier keyspace =
                        prepared.getVariableDefinitions().get(0).getKeyspace();
                yield row -> replicaSet(row, keyspace, session);
            }
        };
    }

    /**
     * The row a statement writes: the values bound to its table's primary key columns, found by the
     * markers' names (an INSERT's markers are named after its columns); null for every statement when
     * a key column has no marker of its own, and when statements carry their own write timestamp
     * ({@code USING TIMESTAMP ?}): those are settled by their timestamps, and a later-arriving write
     * may well be the older one.
     */
    static Function<BoundStatement, Object> rowOf(CqlSession session, PreparedStatement prepared) {
        ColumnDefinitions markers = prepared.getVariableDefinitions();
        if (markers.size() == 0 || markers.contains(CqlIdentifier.fromInternal(CassandraUpsert.TIMESTAMP_MARKER))) {
            return row -> null;
        }
        ColumnDefinition first = markers.get(0);
        List<ColumnMetadata> key = session.getMetadata()
                .getKeyspace(first.getKeyspace())
                .flatMap(keyspace -> keyspace.getTable(first.getTable()))
                .map(TableMetadata::getPrimaryKey)
                .orElse(List.of());
        int[] indices = new int[key.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = markers.firstIndexOf(key.get(i).getName());
            if (indices[i] < 0) {
                return row -> null;
            }
        }
        if (indices.length == 0) {
            return row -> null;
        }
        return row -> {
            List<ByteBuffer> values = new ArrayList<>(indices.length);
            for (int index : indices) {
                values.add(row.getBytesUnsafe(index));
            }
            return values;
        };
    }

    /** The nodes holding the row's partition; its partition key when the driver has no token map. */
    private static Object replicaSet(BoundStatement row, CqlIdentifier keyspace, CqlSession session) {
        Metadata metadata = session.getMetadata();
        if (metadata.getNodes().size() == 1) {
            // Every partition lives on the one node: no token to hash and look up per row (that
            // lookup was 8% of the thread that emits the counts).
            return ONE_NODE;
        }
        ByteBuffer partitionKey = row.getRoutingKey();
        Optional<TokenMap> tokens = metadata.getTokenMap();
        if (partitionKey == null || tokens.isEmpty()) {
            return partitionKey;
        }
        return tokens.get().getReplicas(keyspace, partitionKey);
    }

    /**
     * Flink calls this before every checkpoint barrier and at end of input; waiting here for all
     * acknowledgements means a completed checkpoint never covers a row Cassandra has not stored.
     */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        batcher.sendAll();
        writes.awaitAll();
    }

    @Override
    public void close() throws Exception {
        try {
            writes.close();
        } finally {
            session.close();
        }
    }
}
