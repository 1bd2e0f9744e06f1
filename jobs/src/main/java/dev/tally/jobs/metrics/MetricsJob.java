package dev.tally.jobs.metrics;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
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
 * The metrics job: exact 1-minute and 1-hour rollups of every series from Avro metric points, and alerts
 * from rules over them, to Kafka (exactly-once) and Cassandra (upserts; rollups with a retention TTL). Its README states the rules; {@code
 * --help} lists the options.
 */
public final class MetricsJob implements TallyJob<MetricPoint, MetricsOptions, MetricsPipeline.Outputs> {

    public static final String NAME = "metrics";

    public static void main(String[] args) throws Exception {
        JobRunner.run(new MetricsJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Exact 1-minute and 1-hour rollups of every metric series, with counters' increases and resets.";
    }

    @Override
    public MetricsOptions newOptions() {
        return new MetricsOptions();
    }

    @Override
    public Class<MetricPoint> inputType() {
        return MetricPoint.class;
    }

    @Override
    public RecordValidator<MetricPoint> validator(MetricsOptions options) {
        return new MetricValidator(options.maxEventAge, options.maxEventFuture);
    }

    @Override
    public EventTime<MetricPoint> eventTime() {
        return MetricPoint::getTs;
    }

    @Override
    public MetricsPipeline.Outputs build(DataStream<Decoded<MetricPoint>> input, MetricsOptions options) {
        return MetricsPipeline.build(
                input, options.allowedLateness, options.maxSeriesPerName, options.inputTopic, options.rules());
    }

    @Override
    public void attachSinks(MetricsPipeline.Outputs results, MetricsOptions options) {
        MetricsSinks.attach(results, options);
    }

    @Override
    public void attachReplaySinks(
            MetricsPipeline.Outputs results, MetricsOptions options, CassandraConnection replayKeyspace) {
        MetricsSinks.attachCassandra(results, options, replayKeyspace, CassandraSink.Batching.DEFAULT);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return MetricsTables.ALL;
    }
}
