package dev.tally.jobs.adclick.functions;

import dev.tally.schema.adclick.AdClickEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.Objects;

/**
 * Drops repeated clicks (keyed by click_id, first occurrence wins) over an event-time horizon, and
 * diverts clicks too late for the 1-minute count window to {@link #LATE}.
 */
public class DeduplicateClicks extends KeyedProcessFunction<String, AdClickEvent, AdClickEvent> {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(10);

    /** Clicks the count window would drop; they are neither deduplicated nor stored. */
    public static final OutputTag<AdClickEvent> LATE =
            new OutputTag<>("late-clicks", TypeInformation.of(AdClickEvent.class));

    private final long horizonMillis;
    private final long allowedLatenessMillis;

    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient Counter late;

    /**
     * @param horizon how long (event time, from click_ts) a click_id is remembered
     * @param allowedLateness the count window's allowed lateness
     * @throws IllegalArgumentException unless horizon >= allowedLateness + 1 minute: only then is
     *     every duplicate that arrives after its state was cleared late anyway, so none slips through
     */
    public DeduplicateClicks(Duration horizon, Duration allowedLateness) {
        Objects.requireNonNull(horizon, "horizon");
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException(
                    "allowed lateness must not be negative, got " + allowedLateness);
        }
        if (horizon.compareTo(allowedLateness.plusMinutes(1)) < 0) {
            throw new IllegalArgumentException(
                    "dedup horizon "
                            + horizon
                            + " must be at least allowed lateness + 1 minute ("
                            + allowedLateness.plusMinutes(1)
                            + ")");
        }
        this.horizonMillis = horizon.toMillis();
        this.allowedLatenessMillis = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("click-id-seen", Types.BOOLEAN));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
        late = getRuntimeContext().getMetricGroup().counter("late");
    }

    @Override
    public void processElement(AdClickEvent click, Context ctx, Collector<AdClickEvent> out)
            throws Exception {
        if (seen.value() != null) {
            // Checked before lateness: a late copy of a counted click is a duplicate, and the late
            // output then holds only clicks that were never counted (what reconciliation must add).
            duplicates.inc();
            return;
        }
        long clickTs = click.getClickTs();
        // The window operator's own drop condition, so the window never drops a click silently.
        long windowCleanup = Minutes.maxTimestamp(Minutes.start(clickTs)) + allowedLatenessMillis;
        if (windowCleanup <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE, click);
            return;
        }
        seen.update(Boolean.TRUE);
        // Never in the past: the click is not late, and horizon > allowed lateness + 1 minute.
        ctx.timerService().registerEventTimeTimer(clickTs + horizonMillis);
        out.collect(click);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AdClickEvent> out) {
        seen.clear();
    }
}
