package dev.tally.jobs.metrics.functions;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.kafka.DeadLetters;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.MetricPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The cardinality guard: at most {@code maxSeries} series of one metric name in one UTC hour, keyed by
 * name and hour ({@link #keyOf}), so that a label with unbounded values (a request id, a session) cannot
 * fill the rollups' state and tables. The series of a name and hour are admitted in the order of the
 * minute of their first point in the hour, then of series key; the points of the others in that hour
 * are dead letters ({@value #REASON}).
 *
 * <p>The order is the input's, not the arrival's, so a BATCH replay admits the same series: a series
 * seen for the first time in the hour is held until the watermark passes the end of its first minute,
 * and the series whose first minute closes are then decided together in key order. That costs no
 * latency, since its minute's rollup waits for the same watermark. A series whose first point of the
 * hour comes after its minute has closed (a point within the lateness) is decided at once, admitted
 * while the hour has room: where the hour is full, a replay may rank it before a series the live run
 * admitted, as it may decide a late point otherwise.
 *
 * <p>The late test is made here, with {@link RollupSeries}'s rule, and a late batch goes on marked
 * {@link SeriesPoints#late}: this stage's watermark is never behind the rollups', so a batch it lets pass
 * unjudged as late could still be applied there, and its series would have escaped the guard.
 */
public final class LimitSeriesPerName extends KeyedProcessFunction<String, SeriesPoints, SeriesPoints>
        implements CheckpointedFunction {

    public static final String REASON = "SERIES_LIMIT";

    public static final OutputTag<DeadLetter> LIMITED =
            new OutputTag<>("series-over-limit", new AvroTypeInfo<>(DeadLetter.class));

    private static final Comparator<Map.Entry<String, SeriesPoints[]>> ADMISSION_ORDER =
            Comparator.<Map.Entry<String, SeriesPoints[]>>comparingLong(e -> firstMinute(e.getValue()))
                    .thenComparing(Map.Entry::getKey);

    private final int maxSeries;
    private final long lateness;
    private final String inputTopic;

    /** Series decided in this hour: admitted or not. */
    private transient MapState<String, Boolean> decided;
    /** Series waiting for their first minute to close, with their batches in arrival order. */
    private transient MapState<String, SeriesPoints[]> waiting;
    /** Series admitted in this hour; null until the key's first batch (which registers its cleanup). */
    private transient ValueState<Integer> admitted;

    private transient EmittedThrough lateTest;
    private transient AvroCodec<MetricPoint> codec;
    private transient Counter invalid;
    private transient Counter limitedSeries;

    public LimitSeriesPerName(int maxSeries, Duration allowedLateness, String inputTopic) {
        if (maxSeries < 1) {
            throw new IllegalArgumentException("maxSeries must be at least 1, was " + maxSeries);
        }
        this.maxSeries = maxSeries;
        this.lateness = allowedLateness.toMillis();
        this.inputTopic = inputTopic;
    }

    /** The key of a batch: its metric name and UTC hour. */
    public static String keyOf(SeriesPoints batch) {
        return SeriesKeys.nameOf(batch.key) + '@' + hourOf(batch.minute);
    }

    @Override
    public void open(OpenContext openContext) {
        decided = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("decided-series", Types.STRING, Types.BOOLEAN));
        waiting = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "waiting-series", Types.STRING, TypeInformation.of(SeriesPoints[].class)));
        admitted = getRuntimeContext().getState(new ValueStateDescriptor<>("admitted-series", Types.INT));
        codec = AvroCodec.of(MetricPoint.class);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        invalid = RecordFate.INVALID.counter(metrics);
        limitedSeries = metrics.counter("series-limited");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        lateTest = EmittedThrough.highestRestored();
        lateTest.initializeState(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        lateTest.snapshotState();
    }

    @Override
    public void processElement(SeriesPoints batch, Context ctx, Collector<SeriesPoints> out) throws Exception {
        lateTest.advance(ctx.timerService().currentWatermark());
        long watermark = lateTest.watermark();
        long minuteClose = batch.minute + RollupSeries.MINUTE_MILLIS - 1;
        if (minuteClose + lateness <= watermark) {
            batch.late = true;
            out.collect(batch);
            return;
        }
        Boolean decision = decided.get(batch.key);
        if (decision != null) {
            pass(ctx, batch, decision, out);
            return;
        }
        SeriesPoints[] held = waiting.get(batch.key);
        SeriesPoints[] batches;
        if (held == null) {
            if (admitted.value() == null) {
                admitted.update(0);
                ctx.timerService()
                        .registerEventTimeTimer(hourOf(batch.minute) + RollupSeries.HOUR_MILLIS - 1 + lateness);
            }
            batches = new SeriesPoints[] {batch};
        } else {
            batches = Arrays.copyOf(held, held.length + 1);
            batches[held.length] = batch;
        }
        if (minuteClose <= watermark) {
            // Its first minute has closed already: nothing can come before it any more.
            if (held != null) {
                waiting.remove(batch.key);
            }
            decide(ctx, batch.key, batches, out);
        } else {
            waiting.put(batch.key, batches);
            ctx.timerService().registerEventTimeTimer(minuteClose);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SeriesPoints> out) throws Exception {
        lateTest.advanceOnTimer(timestamp, ctx.timerService().currentWatermark());
        List<Map.Entry<String, SeriesPoints[]>> due = new ArrayList<>();
        for (Map.Entry<String, SeriesPoints[]> entry : waiting.entries()) {
            if (firstMinute(entry.getValue()) + RollupSeries.MINUTE_MILLIS - 1 <= timestamp) {
                due.add(Map.entry(entry.getKey(), entry.getValue()));
            }
        }
        due.sort(ADMISSION_ORDER);
        for (Map.Entry<String, SeriesPoints[]> entry : due) {
            waiting.remove(entry.getKey());
            decide(ctx, entry.getKey(), entry.getValue(), out);
        }
        String key = ctx.getCurrentKey();
        long hour = Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
        if (timestamp >= hour + RollupSeries.HOUR_MILLIS - 1 + lateness) {
            decided.clear();
            waiting.clear();
            admitted.clear();
        }
    }

    private void decide(Context ctx, String series, SeriesPoints[] batches, Collector<SeriesPoints> out)
            throws Exception {
        int count = admitted.value();
        boolean admit = count < maxSeries;
        if (admit) {
            admitted.update(count + 1);
        } else {
            limitedSeries.inc();
        }
        decided.put(series, admit);
        for (SeriesPoints batch : batches) {
            pass(ctx, batch, admit, out);
        }
    }

    private void pass(Context ctx, SeriesPoints batch, boolean admit, Collector<SeriesPoints> out) {
        if (admit) {
            out.collect(batch);
            return;
        }
        SeriesKeys.Series series = SeriesKeys.parse(batch.key);
        String detail = series.name() + " has " + maxSeries + " series in the hour from "
                + Instant.ofEpochMilli(hourOf(batch.minute)) + " already; " + batch.key + " is not one of them";
        for (int i = 0; i < batch.size(); i++) {
            invalid.inc();
            MetricPoint point =
                    new MetricPoint(series.name(), series.labels(), batch.ts[i], batch.values[i], batch.kind(i));
            ctx.output(LIMITED, DeadLetters.fromStage(codec.encode(point), inputTopic, REASON, detail));
        }
    }

    private static long firstMinute(SeriesPoints[] batches) {
        long first = Long.MAX_VALUE;
        for (SeriesPoints batch : batches) {
            first = Math.min(first, batch.minute);
        }
        return first;
    }

    private static long hourOf(long minute) {
        return Math.floorDiv(minute, RollupSeries.HOUR_MILLIS) * RollupSeries.HOUR_MILLIS;
    }
}
