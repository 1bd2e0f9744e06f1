package dev.tally.connectors.cassandra;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;
import static org.apache.flink.util.Preconditions.checkState;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Flink sink that upserts every record into Cassandra, at least once: rows are acknowledged before
 * each checkpoint completes, and a restart replays idempotent upserts that converge to the same
 * rows. Rows travel in unlogged batches (see {@link Batching}); an unlogged batch is not atomic, which
 * upserts that are each idempotent do not need.
 *
 * <pre>{@code
 * CassandraSink<AdClickCount> sink =
 *         CassandraSink.<AdClickCount>builder()
 *                 .connection(CassandraConnection.builder()
 *                         .contactPoints("127.0.0.1:9042")
 *                         .keyspace("tally")
 *                         .build())
 *                 .upsert(CassandraUpsert.of(
 *                         "INSERT INTO ad_click_counts (ad_id, filter_id, click_minute, count)"
 *                                 + " VALUES (?, ?, ?, ?)",
 *                         (c, row) -> row.setString(0, c.getAdId())
 *                                 .setInt(1, c.getFilterId())
 *                                 .setInstant(2, c.getClickMinute())
 *                                 .setLong(3, c.getCount())))
 *                 .build();
 * counts.sinkTo(sink).name("ad-click-counts-cassandra").uid("ad-click-counts-cassandra");
 * }</pre>
 */
public final class CassandraSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 256;
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

    /** Which rows may share an unlogged batch (the modes of DataStax Bulk Loader's {@code batch.mode}). */
    public enum BatchMode {
        /** One request per row. */
        DISABLED,
        /** Rows of the same partition: one mutation on the server; right for any cluster. */
        PARTITION_KEY,
        /**
         * Rows whose partitions live on the same nodes: fewest requests on small clusters with a low
         * replication factor, where most rows of a stream share few replica sets.
         */
        REPLICA_SET
    }

    /**
     * How rows are grouped: {@code maxStatements} rows or {@code maxBytes} of values per batch, at most
     * {@code bufferSize} rows held, none longer than {@code linger} (and all sent before a checkpoint).
     */
    public record Batching(BatchMode mode, int maxStatements, int maxBytes, int bufferSize, Duration linger)
            implements Serializable {

        /**
         * Partition-key batches of up to 32 rows; 4 KiB keeps each under the server's default 5 KiB
         * {@code batch_size_warn_threshold}.
         */
        public static final Batching DEFAULT =
                new Batching(BatchMode.PARTITION_KEY, 32, 4096, 1024, Duration.ofMillis(50));

        public Batching {
            checkNotNull(mode, "mode");
            checkArgument(maxStatements >= 1, "maxStatements must be positive, got %s", maxStatements);
            checkArgument(maxBytes >= 1, "maxBytes must be positive, got %s", maxBytes);
            checkArgument(bufferSize >= 1, "bufferSize must be positive, got %s", bufferSize);
            checkArgument(linger != null && !linger.isNegative(), "linger must not be negative, got %s", linger);
        }

        /** These limits with at most {@code rows} rows per batch. */
        public Batching withMaxStatements(int rows) {
            return new Batching(mode, rows, maxBytes, bufferSize, linger);
        }

        /**
         * The default limits with another mode. Replica-set batches hold at most 10 rows: the server
         * warns of every unlogged batch over more partitions ({@code
         * unlogged_batch_across_partitions_warn_threshold}), and DSBulk advises 10 or fewer.
         */
        public static Batching of(BatchMode mode) {
            return switch (mode) {
                case DISABLED -> new Batching(mode, 1, DEFAULT.maxBytes, DEFAULT.bufferSize, DEFAULT.linger);
                case PARTITION_KEY -> DEFAULT;
                case REPLICA_SET -> new Batching(mode, 10, DEFAULT.maxBytes, DEFAULT.bufferSize, DEFAULT.linger);
            };
        }
    }

    private final CassandraConnection connection;
    private final CassandraUpsert<T> upsert;
    private final int maxInFlightRequests;
    private final Batching batching;
    private final RetrySettings retry;

    private CassandraSink(Builder<T> builder) {
        this.connection = builder.connection;
        this.upsert = builder.upsert;
        this.maxInFlightRequests = builder.maxInFlightRequests;
        this.batching = builder.batching;
        this.retry = new RetrySettings(builder.maxRetries, builder.initialBackoff, builder.maxBackoff);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        String name = "cassandra-sink-" + context.getTaskInfo().getIndexOfThisSubtask();
        return new CassandraSinkWriter<>(
                connection,
                upsert,
                maxInFlightRequests,
                retry,
                batching,
                context.getProcessingTimeService(),
                context.metricGroup(),
                name);
    }

    CassandraConnection connection() {
        return connection;
    }

    CassandraUpsert<T> upsert() {
        return upsert;
    }

    int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    RetrySettings retry() {
        return retry;
    }

    Batching batching() {
        return batching;
    }

    /** Builds a {@link CassandraSink}; the connection and the upsert are required. */
    public static final class Builder<T> {
        private CassandraConnection connection;
        private CassandraUpsert<T> upsert;
        private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        private Batching batching = Batching.DEFAULT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

        private Builder() {}

        public Builder<T> connection(CassandraConnection connection) {
            this.connection = checkNotNull(connection, "connection");
            return this;
        }

        public Builder<T> upsert(CassandraUpsert<T> upsert) {
            this.upsert = checkNotNull(upsert, "upsert");
            return this;
        }

        /**
         * Writes each parallel writer keeps unacknowledged (including those waiting for a retry);
         * when all are taken, the writer blocks and back-pressures the pipeline.
         */
        public Builder<T> maxInFlightRequests(int maxInFlightRequests) {
            checkArgument(maxInFlightRequests > 0, "maxInFlightRequests must be positive, got %s", maxInFlightRequests);
            this.maxInFlightRequests = maxInFlightRequests;
            return this;
        }

        /** How rows are grouped into unlogged batches; {@link Batching#DEFAULT} unless set. */
        public Builder<T> batching(Batching batching) {
            this.batching = checkNotNull(batching, "batching");
            return this;
        }

        /** Retries of one failed write before the job fails; 0 disables them. */
        public Builder<T> maxRetries(int maxRetries) {
            checkArgument(maxRetries >= 0, "maxRetries must be >= 0, got %s", maxRetries);
            this.maxRetries = maxRetries;
            return this;
        }

        /** First retry after {@code initial}, doubling up to {@code max}. */
        public Builder<T> retryBackoff(Duration initial, Duration max) {
            new RetrySettings(maxRetries, initial, max);
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public CassandraSink<T> build() {
            checkState(connection != null, "connection is required");
            checkState(upsert != null, "upsert is required");
            return new CassandraSink<>(this);
        }
    }
}
