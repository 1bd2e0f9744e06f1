package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sums one ad's per-minute counts under one filter over the last M minutes, for each configured M,
 * at every minute boundary: the sliding windows of the top-N ranking.
 *
 * <p>At window end w (event-time timer at w - 1) it emits a {@link WindowSum} for each M whose sum
 * over [w - M min, w) is positive. A later count for a minute replaces the earlier one, because
 * late window firings send totals, not deltas; a count that can only change windows already
 * emitted is dropped (metric {@code too-late-counts}), since each window is emitted once.
 *
 * <p>State holds at most the largest M minutes per key plus one timer, and is cleared when no
 * minute in the look-back remains.
 */
public class RollingWindowSums extends KeyedProcessFunction<AdFilterKey, ClickCount, WindowSum> {

    private static final long serialVersionUID = 1L;

    public static final int[] DEFAULT_WINDOW_MINUTES = {1, 5, 60};

    private final int[] windowMinutes;
    private final long[] windowMillis;
    private final long maxLookBackMillis;

    /** Minute start -> that minute's count (always > 0). */
    private transient MapState<Long, Long> minuteCounts;
    /** End of the window whose timer (end - 1) is registered; null when none is. */
    private transient ValueState<Long> nextWindowEnd;

    private transient long[] sums;
    private transient Counter tooLateCounts;

    public RollingWindowSums() {
        this(DEFAULT_WINDOW_MINUTES);
    }

    /** @param windowMinutes the window sizes M, in minutes: positive and distinct */
    public RollingWindowSums(int... windowMinutes) {
        if (windowMinutes == null || windowMinutes.length == 0) {
            throw new IllegalArgumentException("at least one window size is needed");
        }
        int[] sorted = windowMinutes.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 1) {
                throw new IllegalArgumentException(
                        "window sizes must be positive minutes, got " + Arrays.toString(windowMinutes));
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException(
                        "window sizes must be distinct, got " + Arrays.toString(windowMinutes));
            }
        }
        this.windowMinutes = sorted;
        this.windowMillis = Arrays.stream(sorted).mapToLong(m -> m * Minutes.MILLIS).toArray();
        this.maxLookBackMillis = windowMillis[windowMillis.length - 1];
    }

    @Override
    public void open(OpenContext openContext) {
        minuteCounts =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("minute-counts", Types.LONG, Types.LONG));
        nextWindowEnd =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("next-window-end", Types.LONG));
        sums = new long[windowMinutes.length];
        tooLateCounts = getRuntimeContext().getMetricGroup().counter("too-late-counts");
    }

    @Override
    public void processElement(ClickCount count, Context ctx, Collector<WindowSum> out)
            throws Exception {
        long minute = count.minute;
        if (count.count <= 0) {
            // Nothing to rank; the timer chain clears state if this leaves the key empty.
            minuteCounts.remove(minute);
            return;
        }
        long firstWindowEnd =
                Math.max(
                        minute + Minutes.MILLIS,
                        firstUnemittedWindowEnd(ctx.timerService().currentWatermark()));
        if (firstWindowEnd > minute + maxLookBackMillis) {
            tooLateCounts.inc();
            return;
        }
        minuteCounts.put(minute, count.count);
        Long scheduled = nextWindowEnd.value();
        if (scheduled == null || firstWindowEnd < scheduled) {
            if (scheduled != null) {
                ctx.timerService().deleteEventTimeTimer(scheduled - 1);
            }
            schedule(firstWindowEnd, ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowSum> out)
            throws Exception {
        // At the end of input the watermark is at its maximum (STREAMING and BATCH alike) and every
        // later window of this key is due: emit them in one pass. BATCH execution fires no timer
        // registered while timers fire, so a chain of one timer per minute would stop after one.
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        Long next = emitWindow(timestamp + 1, ctx.getCurrentKey(), out);
        while (endOfInput && next != null) {
            next = emitWindow(next, ctx.getCurrentKey(), out);
        }
        if (next == null) {
            minuteCounts.clear();
            nextWindowEnd.clear();
        } else {
            schedule(next, ctx);
        }
    }

    /**
     * Emits the sums of the windows ending at {@code windowEnd}, drops the minutes no later window
     * needs, and returns the next window end that holds a count, or null when none remains.
     */
    private Long emitWindow(long windowEnd, AdFilterKey key, Collector<WindowSum> out) throws Exception {
        // Minutes before this start are in no later window of any size.
        long keepFrom = windowEnd + Minutes.MILLIS - maxLookBackMillis;
        long earliestKept = Long.MAX_VALUE;
        List<Long> expired = new ArrayList<>();
        Arrays.fill(sums, 0L);
        for (Map.Entry<Long, Long> entry : minuteCounts.entries()) {
            long minute = entry.getKey();
            long count = entry.getValue();
            for (int i = 0; i < windowMillis.length; i++) {
                if (minute < windowEnd && minute >= windowEnd - windowMillis[i]) {
                    sums[i] += count;
                }
            }
            if (minute < keepFrom) {
                expired.add(minute);
            } else {
                earliestKept = Math.min(earliestKept, minute);
            }
        }
        for (int i = 0; i < windowMinutes.length; i++) {
            if (sums[i] > 0) {
                out.collect(new WindowSum(key.filterId, windowMinutes[i], windowEnd, key.adId, sums[i]));
            }
        }
        for (Long minute : expired) {
            minuteCounts.remove(minute);
        }
        // Skip the windows that would hold no count, e.g. before a minute that arrived early.
        return earliestKept == Long.MAX_VALUE ? null : Math.max(windowEnd + Minutes.MILLIS, earliestKept + Minutes.MILLIS);
    }

    private void schedule(long windowEnd, Context ctx) throws Exception {
        ctx.timerService().registerEventTimeTimer(windowEnd - 1);
        nextWindowEnd.update(windowEnd);
    }

    /**
     * The first window end w whose list is not out yet (w - 1 > watermark); windows are emitted
     * when the watermark reaches w - 1.
     */
    static long firstUnemittedWindowEnd(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Minutes.start(watermark + 1) + Minutes.MILLIS;
    }
}
