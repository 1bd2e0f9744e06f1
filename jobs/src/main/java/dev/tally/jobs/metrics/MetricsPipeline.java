package dev.tally.jobs.metrics;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.metrics.functions.RollupSeries;
import dev.tally.jobs.metrics.functions.PreAggregateMinutes;
import dev.tally.jobs.metrics.functions.SeriesPoint;
import dev.tally.jobs.metrics.functions.SeriesPoints;
import dev.tally.jobs.metrics.functions.ToSeriesPoint;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The metrics DAG, from decoded points to every result stream: points keyed by series, rolled up per
 * minute and hour. The live job, the tests and the replay all call {@link #build}.
 */
public final class MetricsPipeline {

    private MetricsPipeline() {}

    /** Every result stream of the DAG; {@code late} is null for a DAG that drops late points (the SQL yardstick). */
    public record Outputs(
            DataStream<MetricPoint> accepted,
            DataStream<DeadLetter> deadLetters,
            DataStream<MetricPoint> late,
            DataStream<MetricRollup> rollups) {}

    public static Outputs build(DataStream<Decoded<MetricPoint>> input, Duration allowedLateness, String inputTopic) {
        SingleOutputStreamOperator<MetricPoint> accepted =
                input.process(new RouteInvalidRecords<>(), new AvroTypeInfo<>(MetricPoint.class))
                        .uid("route-invalid-points")
                        .name("route-invalid-points");

        SingleOutputStreamOperator<MetricRollup> rollups =
                accepted.map(new ToSeriesPoint(), TypeInformation.of(SeriesPoint.class))
                        .name("to-series-point")
                        .transform("pre-aggregate-minutes", TypeInformation.of(SeriesPoints.class), new PreAggregateMinutes())
                        .uid("pre-aggregate-minutes")
                        .keyBy(batch -> batch.key, Types.STRING)
                        .process(new RollupSeries(allowedLateness, inputTopic), new AvroTypeInfo<>(MetricRollup.class))
                        .uid("rollup-series")
                        .name("rollup-series");

        return new Outputs(
                accepted,
                accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS).union(rollups.getSideOutput(RollupSeries.CONFLICTS)),
                rollups.getSideOutput(RollupSeries.LATE),
                rollups);
    }
}
