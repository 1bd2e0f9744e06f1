package dev.tally.jobs.kit;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.RecordValidator;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A job's query in Flink SQL, the yardstick of its {@code tally bench}: input, validation, options and
 * sinks are the DataStream job's, only the DAG ({@link #build}) differs. A subclass keeps its query in
 * a class of its own, so that listing the jobs needs no Flink Table classes.
 */
public abstract class SqlYardstick<I extends SpecificRecordBase, O extends JobOptions, R> implements TallyJob<I, O, R> {

    private final TallyJob<I, O, R> dataStreamJob;
    private final String description;

    /** The yardstick of {@code dataStreamJob}, named after it with {@code -sql}. */
    protected SqlYardstick(TallyJob<I, O, R> dataStreamJob, String description) {
        this.dataStreamJob = dataStreamJob;
        this.description = description;
    }

    @Override
    public final String name() {
        return dataStreamJob.name() + "-sql";
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final O newOptions() {
        return dataStreamJob.newOptions();
    }

    @Override
    public final Class<I> inputType() {
        return dataStreamJob.inputType();
    }

    @Override
    public final RecordValidator<I> validator(O options) {
        return dataStreamJob.validator(options);
    }

    @Override
    public final EventTime<I> eventTime() {
        return dataStreamJob.eventTime();
    }

    @Override
    public final void attachSinks(R results, O options) {
        dataStreamJob.attachSinks(results, options);
    }

    @Override
    public final void attachReplaySinks(R results, O options, CassandraConnection replayKeyspace) {
        dataStreamJob.attachReplaySinks(results, options, replayKeyspace);
    }

    @Override
    public final List<ResultTable<?>> resultTables() {
        return dataStreamJob.resultTables();
    }
}
