package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Arrays;

/**
 * Sums one ad's per-minute counts under one filter over the last M minutes, for each configured M,
 * at every minute boundary: the sliding windows of the top-N ranking.
 *
 * <p>At window end w (event-time timer at w - 1) it emits a {@link WindowSum} for each M whose sum
 * over [w - M min, w) is positive. A later count for a minute replaces the earlier one, because
 * late window firings send totals, not deltas; a count that can only change windows already
 * emitted is dropped (metric {@code too-late-counts}), since each window is emitted once.
 *
 * <p>State is one {@code long[]} per key ({@link MinuteCounts}): the end of the window whose timer
 * is registered, and the counts of at most the largest M minutes. A record or a timer reads it once
 * and writes or clears it at most once, with no iterator, because a timer fires every minute for
 * every key of the last hour. State exists while the key's timer is registered, and is cleared when
 * no minute in the look-back remains.
 */
public class RollingWindowSums extends KeyedProcessFunction<AdFilterKey, ClickCount, WindowSum> {

    private static final long serialVersionUID = 1L;

    public static final int[] DEFAULT_WINDOW_MINUTES = {1, 5, 60};

    private final int[] windowMinutes;
    private final long[] windowMillis;
    private final long maxLookBackMillis;

    /** The next window end and the minute counts (always > 0), encoded by {@link MinuteCounts}. */
    private transient ValueState<long[]> minuteCounts;

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
                        .getState(
                                new ValueStateDescriptor<>(
                                        "packed-minute-counts",
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        tooLateCounts = getRuntimeContext().getMetricGroup().counter("too-late-counts");
    }

    @Override
    public void processElement(ClickCount count, Context ctx, Collector<WindowSum> out)
            throws Exception {
        long minute = count.minute;
        if (count.count <= 0) {
            // Nothing to rank; the timer chain clears state if this leaves the key empty.
            long[] counts = minuteCounts.value();
            if (counts != null) {
                long[] removed = MinuteCounts.remove(counts, minute);
                if (removed != counts) {
                    minuteCounts.update(removed);
                }
            }
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
        long[] counts = minuteCounts.value();
        if (counts == null) {
            counts = MinuteCounts.of(firstWindowEnd);
            ctx.timerService().registerEventTimeTimer(firstWindowEnd - 1);
        } else {
            long scheduled = MinuteCounts.nextWindowEnd(counts);
            if (firstWindowEnd < scheduled) {
                ctx.timerService().deleteEventTimeTimer(scheduled - 1);
                ctx.timerService().registerEventTimeTimer(firstWindowEnd - 1);
                counts = MinuteCounts.withNextWindowEnd(counts, firstWindowEnd);
            }
        }
        minuteCounts.update(MinuteCounts.put(counts, minute, count.count));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowSum> out)
            throws Exception {
        long[] counts = minuteCounts.value();
        if (counts == null) {
            // A timer restored without this state (older savepoints lack it): nothing to sum.
            return;
        }
        // At the end of input the watermark is at its maximum (STREAMING and BATCH alike) and every
        // later window of this key is due: emit them in one pass. BATCH execution fires no timer
        // registered while timers fire, so a chain of one timer per minute would stop after one.
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        long windowEnd = timestamp + 1;
        counts = emitWindow(windowEnd, counts, ctx.getCurrentKey(), out);
        while (endOfInput && !MinuteCounts.isEmpty(counts)) {
            windowEnd = windowEndAfter(windowEnd, counts);
            counts = emitWindow(windowEnd, counts, ctx.getCurrentKey(), out);
        }
        if (MinuteCounts.isEmpty(counts)) {
            minuteCounts.clear();
        } else {
            long next = windowEndAfter(windowEnd, counts);
            ctx.timerService().registerEventTimeTimer(next - 1);
            minuteCounts.update(MinuteCounts.withNextWindowEnd(counts, next));
        }
    }

    /**
     * Emits the sums of the windows ending at {@code windowEnd} and returns {@code counts} without
     * the minutes no later window needs.
     */
    private long[] emitWindow(
            long windowEnd, long[] counts, AdFilterKey key, Collector<WindowSum> out) {
        for (int i = 0; i < windowMinutes.length; i++) {
            long sum = MinuteCounts.sum(counts, windowEnd - windowMillis[i], windowEnd);
            if (sum > 0) {
                out.collect(new WindowSum(key.filterId, windowMinutes[i], windowEnd, key.adId, sum));
            }
        }
        // Minutes before this start are in no later window of any size.
        return MinuteCounts.removeBefore(counts, windowEnd + Minutes.MILLIS - maxLookBackMillis);
    }

    /** The window end after {@code windowEnd} that holds a count; {@code counts} must hold one. */
    private static long windowEndAfter(long windowEnd, long[] counts) {
        // Skip the windows that would hold no count, e.g. before a minute that arrived early.
        return Math.max(windowEnd, MinuteCounts.earliestMinute(counts)) + Minutes.MILLIS;
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
