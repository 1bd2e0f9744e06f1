package dev.tally.jobs.metrics;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.SqlYardstick;
import dev.tally.schema.metrics.MetricPoint;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The metrics job's 1-minute rollups in Flink SQL ({@link MetricsSqlQuery} says what it computes and what not). */
public final class MetricsSqlJob extends SqlYardstick<MetricPoint, MetricsOptions, MetricsPipeline.Outputs> {

    public MetricsSqlJob() {
        super(
                new MetricsJob(),
                "The metrics job's 1-minute rollups in Flink SQL (no dedup, conflicts, counter increases, lateness or"
                        + " hours), the yardstick of ./tally bench metrics.");
    }

    public static void main(String[] args) throws Exception {
        JobRunner.run(new MetricsSqlJob(), args);
    }

    @Override
    public MetricsPipeline.Outputs build(DataStream<Decoded<MetricPoint>> input, MetricsOptions options) {
        return MetricsSqlQuery.build(input, options);
    }
}
