package dev.tally.jobs.metrics;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.jobs.kit.EventTime;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.schema.metrics.MetricPoint;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The metrics job's 1-minute rollups in Flink SQL ({@link MetricsSqlQuery}), the yardstick of {@code
 * tally bench metrics}: input, validation, options and sinks are the DataStream job's; only the DAG
 * differs, and it computes less (the query class says what). The query lives in a class of its own
 * so that listing the jobs needs no Flink Table classes.
 */
public final class MetricsSqlJob implements TallyJob<MetricPoint, MetricsOptions, MetricsPipeline.Outputs> {

    public static final String NAME = "metrics-sql";

    private final MetricsJob dataStreamJob = new MetricsJob();

    public static void main(String[] args) throws Exception {
        JobRunner.run(new MetricsSqlJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "The metrics job's 1-minute rollups in Flink SQL (no dedup, conflicts, counter increases, lateness or hours),"
                + " the yardstick of ./tally bench metrics.";
    }

    @Override
    public MetricsOptions newOptions() {
        return dataStreamJob.newOptions();
    }

    @Override
    public Class<MetricPoint> inputType() {
        return dataStreamJob.inputType();
    }

    @Override
    public RecordValidator<MetricPoint> validator(MetricsOptions options) {
        return dataStreamJob.validator(options);
    }

    @Override
    public EventTime<MetricPoint> eventTime() {
        return dataStreamJob.eventTime();
    }

    @Override
    public MetricsPipeline.Outputs build(DataStream<Decoded<MetricPoint>> input, MetricsOptions options) {
        return MetricsSqlQuery.build(input, options);
    }

    @Override
    public void attachSinks(MetricsPipeline.Outputs results, MetricsOptions options) {
        dataStreamJob.attachSinks(results, options);
    }

    @Override
    public void attachReplaySinks(MetricsPipeline.Outputs results, MetricsOptions options, CassandraConnection replayKeyspace) {
        dataStreamJob.attachReplaySinks(results, options, replayKeyspace);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return dataStreamJob.resultTables();
    }
}
