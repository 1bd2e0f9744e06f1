package dev.tally.jobs.adclick;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.jobs.kit.EventTime;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.schema.adclick.AdClickEvent;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The ad-click job's query in Flink SQL ({@link AdClickSqlQuery}), the yardstick of {@code tally
 * bench ad-clicks}: input, options and sinks are the DataStream job's; only the DAG differs. The
 * query lives in a class of its own so that listing the jobs needs no Flink Table classes.
 */
public final class AdClickSqlJob implements TallyJob<AdClickEvent, AdClickOptions, AdClickPipeline.Outputs> {

    private final AdClickJob dataStreamJob = new AdClickJob();

    public static void main(String[] args) throws Exception {
        JobRunner.run(new AdClickSqlJob(), args);
    }

    @Override
    public String name() {
        return "ad-clicks-sql";
    }

    @Override
    public String description() {
        return "The ad-click job's query in Flink SQL, the yardstick of ./tally bench ad-clicks.";
    }

    @Override
    public AdClickOptions newOptions() {
        return dataStreamJob.newOptions();
    }

    @Override
    public Class<AdClickEvent> inputType() {
        return dataStreamJob.inputType();
    }

    @Override
    public RecordValidator<AdClickEvent> validator(AdClickOptions options) {
        return dataStreamJob.validator(options);
    }

    @Override
    public EventTime<AdClickEvent> eventTime() {
        return dataStreamJob.eventTime();
    }

    @Override
    public AdClickPipeline.Outputs build(DataStream<Decoded<AdClickEvent>> input, AdClickOptions options) {
        return AdClickSqlQuery.build(input, options);
    }

    @Override
    public void attachSinks(AdClickPipeline.Outputs results, AdClickOptions options) {
        dataStreamJob.attachSinks(results, options);
    }

    @Override
    public void attachReplaySinks(
            AdClickPipeline.Outputs results, AdClickOptions options, CassandraConnection replayKeyspace) {
        dataStreamJob.attachReplaySinks(results, options, replayKeyspace);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return dataStreamJob.resultTables();
    }
}
