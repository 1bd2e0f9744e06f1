package dev.tally.jobs.kit;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.cassandra.ResultTable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Every job's Cassandra result sink: a result table's upserts, named after the table. */
public final class ResultUpserts {

    private ResultUpserts() {}

    /** {@code results} upserted into {@code table} through {@code connection}, with the stable {@code uid}. */
    public static <T> void attach(
            DataStream<T> results,
            ResultTable<T> table,
            CassandraConnection connection,
            CassandraSink.Batching batching,
            String uid) {
        results.sinkTo(CassandraSink.<T>builder()
                        .connection(connection)
                        .batching(batching)
                        .upsert(table.upsert())
                        .build())
                .uid(uid)
                .name("cassandra: " + table.name());
    }

    /**
     * {@link #attach}, with each row held until the checkpoint after it completes ({@link
     * ReleaseOnCheckpoint}): for a job that writes rows only when they change.
     */
    public static <T> void attachReleasedOnCheckpoint(
            DataStream<T> results,
            ResultTable<T> table,
            CassandraConnection connection,
            CassandraSink.Batching batching,
            String uid) {
        SingleOutputStreamOperator<T> released = results.transform(
                        "release on checkpoint: " + table.name(),
                        results.getType(),
                        new ReleaseOnCheckpoint<>(table, results.getType()))
                .uid(uid + "-release-on-checkpoint");
        attach(released, table, connection, batching, uid);
    }
}
