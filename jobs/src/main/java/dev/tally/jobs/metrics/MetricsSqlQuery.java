package dev.tally.jobs.metrics;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.kit.SqlTables;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.jobs.metrics.functions.SeriesPoint;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The metrics job's 1-minute rollups written in Flink SQL ({@link MetricsSqlJob}), the yardstick of
 * {@code tally bench metrics}: the same decoded and validated Kafka input as {@link MetricsJob}, each
 * point keyed by the job's own series key ({@link SeriesPoint#of}), then one {@code TUMBLE} of 1 minute
 * of event time per series key with {@code COUNT}, {@code SUM}, {@code MIN}, {@code MAX}, {@code
 * FIRST_VALUE}, {@code LAST_VALUE} and the smallest and largest {@code ts}. The rollups leave through the
 * job's own sinks ({@link MetricsSinks#attach}), so with {@code --discard-results} this measures what the
 * SQL engine computes, and without it the job's sinks too.
 *
 * <p>It computes less than the job, so the comparison flatters SQL:
 * <ul>
 *   <li>no samples: every accepted point is aggregated, so a duplicate counts twice and each value of a
 *       conflicting sample counts (the job keeps a minute's samples, drops duplicates, keeps the smallest
 *       value of a timestamp and dead-letters the others);
 *   <li>{@code FIRST_VALUE}/{@code LAST_VALUE} are of arrival order, not of {@code ts} (Flink SQL 2.2 has
 *       no ARG_MIN/ARG_MAX and no ordered FIRST_VALUE): the same values when a series' points arrive in
 *       {@code ts} order, as the generator sends them but for duplicates and conflicts; {@code first_ts}/{@code
 *       last_ts} are exact;
 *   <li>no counter increase or resets (they need consecutive samples in {@code ts} order): null, as a
 *       gauge's, while the kind still says COUNTER when any point is a counter's;
 *   <li>no lateness: a window fires once when the watermark passes its end, and a point behind the
 *       watermark is dropped without a trace (the job applies it within {@code --allowed-lateness},
 *       emits the minute again, and routes later ones to the late topic), so there is no late stream;
 *   <li>no 1-hour rollups (the job merges them from its minutes, counters' steps across minute edges
 *       included): the hour table's sink stays idle.
 * </ul>
 */
public final class MetricsSqlQuery {

    private MetricsSqlQuery() {}

    /** The query's DAG in a table environment of {@code input}'s execution environment. */
    static MetricsPipeline.Outputs build(DataStream<Decoded<MetricPoint>> input, MetricsOptions options) {
        return build(tables(input.getExecutionEnvironment(), options), input);
    }

    /** The table environment the query runs in. */
    public static StreamTableEnvironment tables(StreamExecutionEnvironment env, MetricsOptions options) {
        return SqlTables.create(env, options.jobName);
    }

    /** The query's DAG from decoded points to the job's result streams, in {@code tables} as {@link #tables} sets it up. */
    public static MetricsPipeline.Outputs build(StreamTableEnvironment tables, DataStream<Decoded<MetricPoint>> input) {
        SingleOutputStreamOperator<MetricPoint> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(MetricPoint.class))
                .uid("route-invalid-points")
                .name("route-invalid-points");
        tables.createTemporaryView(
                "points",
                tables.fromDataStream(
                        accepted.map(new PointRow(), rowType()).name("point-rows"),
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));

        DataStream<MetricRollup> rollups = tables.toDataStream(tables.sqlQuery(
                        "SELECT series_key, window_start, COUNT(*) AS samples, SUM(point_value) AS total,"
                                + " MIN(point_value) AS lowest, MAX(point_value) AS highest,"
                                + " FIRST_VALUE(point_value) AS first_sample, MIN(ts) AS first_ts,"
                                + " LAST_VALUE(point_value) AS last_sample, MAX(ts) AS last_ts,"
                                + " MAX(is_counter) AS is_counter"
                                + " FROM TABLE(TUMBLE(TABLE points, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))"
                                + " GROUP BY series_key, window_start, window_end"))
                .map(new ToMetricRollup(), new AvroTypeInfo<>(MetricRollup.class))
                .name("to-metric-rollup");

        // SQL window aggregations drop late rows without a trace, and there are no conflicts, so the
        // dead letters are the undecodable and invalid records alone and there is no late stream; nor
        // are there samples to keep raw.
        return new MetricsPipeline.Outputs(
                accepted, accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS), null, rollups, null, null);
    }

    private static TypeInformation<Row> rowType() {
        return Types.ROW_NAMED(
                new String[] {"series_key", "ts", "point_value", "is_counter"},
                Types.STRING,
                Types.LONG,
                Types.DOUBLE,
                Types.BOOLEAN);
    }

    /** An accepted point as a row of the {@code points} table, keyed and typed as the job does it. */
    static final class PointRow implements MapFunction<MetricPoint, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Row map(MetricPoint point) {
            SeriesPoint p = SeriesPoint.of(point);
            return Row.of(p.key, p.ts, p.value, p.counter);
        }
    }

    /** A window's row as the job's published minute rollup. */
    static final class ToMetricRollup implements MapFunction<Row, MetricRollup> {
        private static final long serialVersionUID = 1L;

        @Override
        public MetricRollup map(Row row) {
            String key = row.getFieldAs("series_key");
            SeriesKeys.Series series = SeriesKeys.parse(key);
            return MetricRollup.newBuilder()
                    .setSeriesKey(key)
                    .setName(series.name())
                    .setLabels(series.labels())
                    .setKind(row.<Boolean>getFieldAs("is_counter") ? MetricKind.COUNTER : MetricKind.GAUGE)
                    .setResolution(MetricsTables.MINUTE)
                    .setBucketStart(SqlTables.epochMillis(row, "window_start"))
                    .setCount(row.<Long>getFieldAs("samples"))
                    .setSum(row.<Double>getFieldAs("total"))
                    .setMin(row.<Double>getFieldAs("lowest"))
                    .setMax(row.<Double>getFieldAs("highest"))
                    .setFirst(row.<Double>getFieldAs("first_sample"))
                    .setFirstTs(row.<Long>getFieldAs("first_ts"))
                    .setLast(row.<Double>getFieldAs("last_sample"))
                    .setLastTs(row.<Long>getFieldAs("last_ts"))
                    .setIncrease(null)
                    .setResets(null)
                    .build();
        }
    }
}
