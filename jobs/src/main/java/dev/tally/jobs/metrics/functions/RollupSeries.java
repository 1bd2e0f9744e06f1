package dev.tally.jobs.metrics.functions;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.kafka.DeadLetters;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
 * One series' 1-minute and 1-hour rollups, keyed by series key, from its points a minute's batch at a time
 * ({@link SeriesPoints}). A minute's samples are kept until its
 * allowed lateness has passed, so a late point, a duplicate or a conflicting value is settled exactly;
 * a minute's rollup is emitted when the watermark passes its end and again when a point within the
 * lateness changes it. An hour is merged from its minutes' rollups, which are kept until the hour's
 * lateness has passed, when the watermark passes the hour's end, and again when one of its minutes
 * changes after that.
 *
 * <p>Every timer is at a bucket's end - 1 ms, or that plus the lateness: one timer per series and
 * minute closes the minute, one expires it, and the same for hours (an hour's expiry is registered
 * when it closes); {@link #onTimer} tells them apart by the time alone.
 */
public final class RollupSeries extends KeyedProcessFunction<String, SeriesPoints, MetricRollup>
        implements CheckpointedFunction {

    public static final String MINUTE = "1m";
    public static final String HOUR = "1h";
    static final long MINUTE_MILLIS = 60_000;
    static final long HOUR_MILLIS = 3_600_000;

    public static final OutputTag<MetricPoint> LATE =
            new OutputTag<>("late-points", new AvroTypeInfo<>(MetricPoint.class));
    public static final OutputTag<DeadLetter> CONFLICTS =
            new OutputTag<>("conflicting-samples", new AvroTypeInfo<>(DeadLetter.class));
    /** Each minute's samples, with each of its rollups: the raw points, stored one row per series-minute. */
    public static final OutputTag<RawMinute> RAW = new OutputTag<>("raw-minutes", TypeInformation.of(RawMinute.class));

    private final long lateness;
    private final String inputTopic;

    private transient MapState<Long, MinuteSamples> samples;
    private transient MapState<Long, Rollup> minutes;
    /** The late test's watermark, from a restore's first record on: the highest any old subtask had. */
    private transient EmittedThrough lateTest;

    private transient AvroCodec<MetricPoint> codec;
    private transient Counter late;
    private transient Counter duplicates;
    private transient Counter conflicts;
    private transient Counter accepted;
    private transient Counter invalid;

    public RollupSeries(Duration allowedLateness, String inputTopic) {
        this.lateness = allowedLateness.toMillis();
        this.inputTopic = inputTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        samples = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "minute-samples", Types.LONG, TypeInformation.of(MinuteSamples.class)));
        minutes = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("minute-rollups", Types.LONG, TypeInformation.of(Rollup.class)));
        codec = AvroCodec.of(MetricPoint.class);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        late = RecordFate.LATE.counter(metrics);
        duplicates = RecordFate.DUPLICATE.counter(metrics);
        accepted = RecordFate.ACCEPTED.counter(metrics);
        invalid = RecordFate.INVALID.counter(metrics);
        conflicts = metrics.counter("conflicts");
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

    /** The start of the minute of {@code ts}. */
    public static long minuteOf(long ts) {
        return Math.floorDiv(ts, MINUTE_MILLIS) * MINUTE_MILLIS;
    }

    @Override
    public void processElement(SeriesPoints batch, Context ctx, Collector<MetricRollup> out) throws Exception {
        long minute = batch.minute;
        long minuteClose = minute + MINUTE_MILLIS - 1;
        lateTest.advance(ctx.timerService().currentWatermark());
        long watermark = lateTest.watermark();
        if (batch.late || minuteClose + lateness <= watermark) {
            for (int i = 0; i < batch.size(); i++) {
                late.inc();
                ctx.output(LATE, batch.point(i).toMetricPoint());
            }
            return;
        }
        MinuteSamples minuteSamples = samples.get(minute);
        if (minuteSamples == null) {
            minuteSamples = new MinuteSamples();
            if (minuteClose > watermark) {
                ctx.timerService().registerEventTimeTimer(minuteClose);
            }
            ctx.timerService().registerEventTimeTimer(minuteClose + lateness);
            // The hour's close too, here and not when the minute closes: in BATCH mode a timer
            // registered from a timer is ignored (the key's timers fire once, when its input ends).
            // Its expiry is registered when it closes, once an hour rather than once a minute, or
            // here if it has closed already.
            long hourClose = Math.floorDiv(minute, HOUR_MILLIS) * HOUR_MILLIS + HOUR_MILLIS - 1;
            if (hourClose > watermark) {
                ctx.timerService().registerEventTimeTimer(hourClose);
            } else if (hourClose + lateness > watermark) {
                ctx.timerService().registerEventTimeTimer(hourClose + lateness);
            }
        }
        boolean changed = false;
        for (int i = 0; i < batch.size(); i++) {
            long ts = batch.ts[i];
            double value = batch.values[i];
            switch (minuteSamples.add(ts, value, batch.counters[i])) {
                case DUPLICATE, REFUSED_AGAIN -> duplicates.inc();
                // This point is accepted now and the one it displaced, accepted before, becomes a dead
                // letter: the accepted count stays, the invalid one grows (in conflict).
                case REPLACED -> conflict(ctx, batch.point(i), minuteSamples.displaced, value);
                case REFUSED -> conflict(ctx, batch.point(i), value, minuteSamples.sampleAt(ts));
                case ADDED -> accepted.inc();
            }
            changed |= minuteSamples.changed;
        }
        samples.put(minute, minuteSamples);
        if (changed && minuteClose <= watermark) {
            emitMinute(ctx, minute, minuteSamples, watermark, false, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricRollup> out) throws Exception {
        lateTest.advanceOnTimer(timestamp, ctx.timerService().currentWatermark());
        long end = timestamp + 1;
        String key = ctx.getCurrentKey();
        if (end % MINUTE_MILLIS == 0) {
            MinuteSamples closing = samples.get(end - MINUTE_MILLIS);
            if (closing != null) {
                emitMinute(ctx, end - MINUTE_MILLIS, closing, timestamp, true, out);
            }
        }
        if (end % HOUR_MILLIS == 0) {
            emitHour(key, end - HOUR_MILLIS, out);
            // Not at the end of input: BATCH's timer service ignores a timer registered while its
            // timers fire, with a warning per key, and drops the state anyway.
            if (lateness > 0 && ctx.timerService().currentWatermark() < Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(timestamp + lateness);
            }
        }
        long expired = end - lateness;
        if (expired % MINUTE_MILLIS == 0) {
            samples.remove(expired - MINUTE_MILLIS);
        }
        if (expired % HOUR_MILLIS == 0) {
            // Only the minutes the series has: a delete of each of the hour's 60 cost RocksDB a
            // tombstone apiece, a quarter of this stage's time where series live two minutes. Removed
            // through the state, not the iterator: the heap backend's iterator leaves an empty map.
            List<Long> gone = new ArrayList<>();
            for (Long minute : minutes.keys()) {
                if (minute < expired) {
                    gone.add(minute);
                }
            }
            for (Long minute : gone) {
                minutes.remove(minute);
            }
        }
    }

    /**
     * Emits a minute's rollup and raw samples and files the rollup for its hour. Closing on a timer, the hour is left to its
     * own timer (registered with the minute's first sample; it fires after the minute's, in the same
     * watermark advance if it has passed too, or is the one firing); a late change to an hour already
     * emitted emits the hour again here. {@code watermark} is the current one, or the firing timer's time.
     */
    private void emitMinute(
            Context ctx,
            long minute,
            MinuteSamples minuteSamples,
            long watermark,
            boolean onTimer,
            Collector<MetricRollup> out)
            throws Exception {
        String key = ctx.getCurrentKey();
        Rollup rollup = Rollup.of(minuteSamples);
        minutes.put(minute, rollup);
        SeriesKeys.Series series = SeriesKeys.parse(key);
        out.collect(rollup.toAvro(key, series, MINUTE, minute));
        ctx.output(RAW, RawMinute.of(key, series.name(), minute, rollup.counter, minuteSamples));
        long hour = Math.floorDiv(minute, HOUR_MILLIS) * HOUR_MILLIS;
        if (!onTimer && hour + HOUR_MILLIS - 1 <= watermark) {
            emitHour(key, hour, out);
        }
    }

    private void emitHour(String key, long hour, Collector<MetricRollup> out) throws Exception {
        List<Map.Entry<Long, Rollup>> hourMinutes = new ArrayList<>(60);
        for (Map.Entry<Long, Rollup> entry : minutes.entries()) {
            if (entry.getKey() >= hour && entry.getKey() < hour + HOUR_MILLIS) {
                hourMinutes.add(Map.entry(entry.getKey(), entry.getValue()));
            }
        }
        if (hourMinutes.isEmpty()) {
            return;
        }
        hourMinutes.sort(Map.Entry.comparingByKey());
        Rollup merged =
                Rollup.mergeAll(hourMinutes.stream().map(Map.Entry::getValue).toList());
        out.collect(merged.toAvro(key, SeriesKeys.parse(key), HOUR, hour));
    }

    /** A dead letter for the refused value of {@code point}'s timestamp, in the shape of a point that carried it. */
    private void conflict(Context ctx, SeriesPoint point, double refusedValue, double sample) {
        conflicts.inc();
        invalid.inc();
        byte[] original = codec.encode(
                new SeriesPoint(point.key, point.ts, refusedValue, point.kind, point.counter).toMetricPoint());
        ctx.output(
                CONFLICTS,
                DeadLetters.fromStage(
                        original,
                        inputTopic,
                        "CONFLICTING_SAMPLE",
                        "ts " + point.ts + " of " + point.key + " has the value " + sample
                                + " too; the smallest value of a timestamp is its sample"));
    }
}
