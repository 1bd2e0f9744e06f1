package dev.tally.jobs.kit;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.RecordValidator;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * One job of the collection, as the shared drivers see it: the live run ({@link JobRunner}), the
 * replay ({@link Replay}), the tests and every {@code ./tally <command> <job>}. A job is registered
 * in {@code META-INF/services/dev.tally.jobs.kit.TallyJob} and found by {@link TallyJobs}.
 *
 * @param <I> the input record, Avro from the input topic
 * @param <O> the job's options: the same class for the live run, the replay and the tests
 * @param <R> the result streams that {@link #build} returns and the sink methods write
 */
public interface TallyJob<I extends SpecificRecordBase, O extends JobOptions, R> {

    /** The name every command takes, kebab-case ({@code ad-clicks}). */
    String name();

    /** One line: what the job computes. */
    String description();

    /** Options with the job's defaults, ready for {@link JobOptions#parse}. */
    O newOptions();

    /** The input topic's record type. */
    Class<I> inputType();

    /** Which decoded input records are dead letters, beyond undecodable ones. */
    RecordValidator<I> validator(O options);

    /** The event time of an accepted input record. */
    EventTime<I> eventTime();

    /**
     * The DAG from decoded input records (rejected ones included, for the dead-letter output) to
     * every result stream: the one method the live run, the replay and the tests call.
     */
    R build(DataStream<Decoded<I>> input, O options);

    /** The live sinks: Kafka (exactly-once), Cassandra in the options' keyspace, the raw archive. */
    void attachSinks(R results, O options);

    /** A replay's sinks: the Cassandra result tables only, in the replay's own keyspace. */
    void attachReplaySinks(R results, O options, CassandraConnection replayKeyspace);

    /** The job's Cassandra result tables, each defined once. */
    List<ResultTable<?>> resultTables();
}
