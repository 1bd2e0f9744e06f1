package dev.tally.connectors.cassandra;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

import java.io.IOException;

/**
 * Writes each record as one idempotent upsert through a single async driver session, at most {@code
 * maxInFlightRequests} at a time; {@link #flush} returns only once Cassandra has acknowledged every
 * row written before it.
 */
final class CassandraSinkWriter<T> implements SinkWriter<T> {

    private final CassandraUpsert<T> upsert;
    private final CqlSession session;
    private final PreparedStatement statement;
    private final int timestampIndex;
    private final InFlightWrites<BoundStatement> writes;
    private final Counter recordsSent;

    CassandraSinkWriter(
            CassandraConnection connection,
            CassandraUpsert<T> upsert,
            int maxInFlightRequests,
            RetrySettings retry,
            SinkWriterMetricGroup metrics,
            String name)
            throws IOException {
        this.upsert = upsert;
        try {
            this.session = connection.open(name);
        } catch (RuntimeException e) {
            throw new IOException("Could not connect to Cassandra: " + connection, e);
        }
        try {
            this.statement = session.prepare(upsert.cql());
            this.timestampIndex = upsert.checkPrepared(statement);
            // Completions run on the driver's I/O threads, so the counters must be thread-safe.
            Counter rowsWritten = metrics.counter("rowsWritten", new ThreadSafeSimpleCounter());
            Counter writeRetries = metrics.counter("writeRetries", new ThreadSafeSimpleCounter());
            Counter writeFailures = metrics.counter("writeFailures", new ThreadSafeSimpleCounter());
            this.writes =
                    new InFlightWrites<>(
                            name,
                            session::executeAsync,
                            maxInFlightRequests,
                            retry,
                            rowsWritten,
                            writeRetries,
                            writeFailures);
            metrics.gauge("inFlightRequests", (Gauge<Integer>) writes::inFlight);
            this.recordsSent = metrics.getNumRecordsSendCounter();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        writes.submit(upsert.bind(statement, timestampIndex, element));
        recordsSent.inc();
    }

    /**
     * Flink calls this before every checkpoint barrier and at end of input; waiting here for all
     * acknowledgements means a completed checkpoint never covers a row Cassandra has not stored.
     */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
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
