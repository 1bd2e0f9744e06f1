package dev.tally.jobs.metrics;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.DeadLetterStreams;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.metrics.alerts.AlertRule;
import dev.tally.jobs.metrics.alerts.EvaluateAlerts;
import dev.tally.jobs.metrics.alerts.MatchAlertRules;
import dev.tally.jobs.metrics.alerts.RuleSample;
import dev.tally.jobs.metrics.functions.LimitSeriesPerName;
import dev.tally.jobs.metrics.functions.PreAggregateMinutes;
import dev.tally.jobs.metrics.functions.RawMinute;
import dev.tally.jobs.metrics.functions.RollupSeries;
import dev.tally.jobs.metrics.functions.SeriesPoint;
import dev.tally.jobs.metrics.functions.SeriesPoints;
import dev.tally.jobs.metrics.functions.ToSeriesPoint;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The metrics DAG, from decoded points to every result stream: points gathered per series and minute,
 * held to a number of series per metric name and hour, keyed by series, rolled up per minute and hour;
 * the minute rollups of the series an alert rule takes, keyed by rule and alert labels, evaluated at
 * every minute close. The live job, the tests and the replay all call {@link #build}.
 */
public final class MetricsPipeline {

    private MetricsPipeline() {}

    /**
     * Every result stream of the DAG; {@code late} and {@code raw} are null for a DAG that drops late
     * points and keeps no samples (the SQL yardstick), {@code alerts} for one without alert rules.
     */
    public record Outputs(
            DataStream<MetricPoint> accepted,
            DataStream<DeadLetter> deadLetters,
            DataStream<MetricPoint> late,
            DataStream<MetricRollup> rollups,
            DataStream<AlertEvent> alerts,
            DataStream<RawMinute> raw) {}

    public static Outputs build(
            DataStream<Decoded<MetricPoint>> input,
            Duration allowedLateness,
            int maxSeriesPerName,
            String inputTopic,
            List<AlertRule> rules) {
        SingleOutputStreamOperator<MetricPoint> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(MetricPoint.class))
                .uid("route-invalid-points")
                .name("route-invalid-points");

        SingleOutputStreamOperator<SeriesPoints> batches = accepted.map(
                        new ToSeriesPoint(), TypeInformation.of(SeriesPoint.class))
                .name("to-series-point")
                .transform("pre-aggregate-minutes", TypeInformation.of(SeriesPoints.class), new PreAggregateMinutes())
                .uid("pre-aggregate-minutes");
        SingleOutputStreamOperator<SeriesPoints> admitted = batches.keyBy(LimitSeriesPerName::keyOf, Types.STRING)
                .process(
                        new LimitSeriesPerName(maxSeriesPerName, allowedLateness, inputTopic),
                        TypeInformation.of(SeriesPoints.class))
                .uid("limit-series-per-name")
                .name("limit-series-per-name");

        SingleOutputStreamOperator<MetricRollup> rollups = admitted.keyBy(batch -> batch.key, Types.STRING)
                .process(new RollupSeries(allowedLateness, inputTopic), new AvroTypeInfo<>(MetricRollup.class))
                .uid("rollup-series")
                .name("rollup-series");

        DataStream<AlertEvent> alerts = rules.isEmpty()
                ? null
                : rollups.flatMap(new MatchAlertRules(rules), TypeInformation.of(RuleSample.class))
                        .name("match-alert-rules")
                        .keyBy(sample -> sample.key, Types.STRING)
                        .process(new EvaluateAlerts(rules, allowedLateness), new AvroTypeInfo<>(AlertEvent.class))
                        .uid("evaluate-alerts")
                        .name("evaluate-alerts");

        return new Outputs(
                accepted,
                DeadLetterStreams.union(
                        accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS),
                        admitted.getSideOutput(LimitSeriesPerName.LIMITED),
                        rollups.getSideOutput(RollupSeries.CONFLICTS)),
                rollups.getSideOutput(RollupSeries.LATE),
                rollups,
                alerts,
                rollups.getSideOutput(RollupSeries.RAW));
    }
}
