package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
import org.apache.flink.runtime.state.KeyedStateFunction;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The 1-minute filter counts and the sliding windows of the top-N ranking with its first stage, in
 * one operator: adds up each key's (an ad under a filter) partial counts per minute, emits each
 * minute's total on {@link #FILTER_COUNTS} when the watermark passes the minute's end, sums the
 * minutes of the last M minutes, for each configured M, at every minute boundary, and keeps this
 * subtask's best N of each (filter, M, window end) in {@link WindowTops}, emitted as {@link
 * TopCandidates} stamped with the window end - 1.
 *
 * <p>The filter counts come from here rather than from the count window because this operator holds
 * each key's count per minute for the ranking anyway: counting them in the window too cost a state
 * read and write per partial and a read and a delete per key and minute there, and a shuffle.
 *
 * <p>Lateness follows the count window's rules: a partial that arrives after its minute's end, within
 * the allowed lateness, emits the minute's new total at once; one later still is dropped (metric
 * {@code numLateRecordsDropped}; dedup diverts those clicks to its late output before they are
 * counted). Window end w is due when the watermark reaches w - 1, and each window's list goes out
 * once: a late partial changes only the windows still to come, and one that can change none of
 * them is counted in {@code too-late-counts}.
 *
 * <p>No timer per key: every key holding a count in the look-back has a window due at every minute
 * boundary, so a timer per key meant a write into and a delete from RocksDB's timer queue per key and
 * minute. Here the watermark that passes a minute boundary walks all keys once, and a key's state is
 * written only when a minute enters or leaves it. The sums go straight into {@link WindowTops}, and
 * the lists and counts go out before the watermark, so nothing is pending at a checkpoint but the
 * keys' counts.
 *
 * <p>The partials of a minute still open add up on the heap ({@link OpenMinuteCounts}, checkpointed
 * as raw keyed state), and the minute's close writes the total into the keyed state: one state read
 * and write per key and minute, however many partials it has (pre-aggregation sends one per subtask
 * and per overflow of its map), and none at a checkpoint. The closing minute's counts go out first,
 * from the heap: the walk covers every key of the longest window, an hour of keys by default, and
 * the 1-minute counts would otherwise wait for it.
 *
 * <p>State is one {@code long[]} per key ({@link MinuteCounts}); a minute leaves it when no later
 * window needs it and it is closed to late partials, and the key is cleared when no minute remains.
 * Input sorted by key (BATCH execution) comes with keyed state that holds one key at a time and
 * cannot list keys; there a timer per key emits all its minutes and windows when its input ends.
 */
public class RollingTopCandidates extends AbstractStreamOperator<TopCandidates>
        implements OneInputStreamOperator<ClickCount, TopCandidates>,
                Triggerable<AdFilterKey, VoidNamespace>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;

    public static final int[] DEFAULT_WINDOW_MINUTES = {1, 5, 60};

    /**
     * The name under which KeyedProcessOperator kept the timers of the per-key timer version
     * (uid rolling-window-sums, as this one): a job restored from its savepoint finds them here and
     * they fire once, doing nothing, so they do not stay in the state.
     */
    private static final String TIMERS = "user-timers";

    /** The 1-minute filter counts, each minute's total when it closes and again after a late partial. */
    public static final OutputTag<ClickCount> FILTER_COUNTS =
            new OutputTag<>("filter-counts", TypeInformation.of(ClickCount.class));

    private final int n;
    private final long allowedLatenessMillis;
    private final int[] windowMinutes;
    private final long[] windowMillis;
    private final long maxLookBackMillis;

    /** The first window end still to emit and the minute counts (always > 0), by {@link MinuteCounts}. */
    private transient ValueStateDescriptor<long[]> countsDescriptor;
    private transient ValueState<long[]> minuteCounts;
    /** Windows ending at or before the first minute boundary after its watermark have been emitted. */
    private transient EmittedThrough emitted;
    /**
     * The running count of each key in each minute not emitted yet: the partials of an open minute
     * add up here, and its total goes into the keyed state once, when the minute closes, instead of
     * a state read and write per partial; a closing minute's counts go out from here, before the
     * walk over every key in the look-back, which takes far longer. Checkpointed as raw keyed state.
     */
    private transient OpenMinuteCounts<AdFilterKey> openMinutes;
    private transient boolean restored;
    private transient WindowTops tops;
    private transient boolean sortedInput;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient StreamRecord<TopCandidates> reuse;
    private transient StreamRecord<ClickCount> reuseCount;
    private transient Counter tooLateCounts;
    private transient Counter lateDropped;

    /**
     * @param n how many ads each subtask keeps per (filter, window size, window end)
     * @param allowedLateness how long after a minute's end its count still changes
     * @param windowMinutes the window sizes M, in minutes: positive and distinct
     */
    public RollingTopCandidates(int n, Duration allowedLateness, int... windowMinutes) {
        this.n = BoundedTopN.checkSize(n);
        this.allowedLatenessMillis = Minutes.latenessMillis(allowedLateness);
        this.windowMinutes = checkWindowMinutes(windowMinutes);
        this.windowMillis = Arrays.stream(this.windowMinutes).mapToLong(m -> m * Minutes.MILLIS).toArray();
        this.maxLookBackMillis = windowMillis[windowMillis.length - 1];
    }

    /** The window sizes, sorted; refused when empty, not positive or repeated. */
    static int[] checkWindowMinutes(int... windowMinutes) {
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
        return sorted;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        emitted = EmittedThrough.lowestRestored();
        emitted.initializeState(context);
        restored = context.isRestored();
        openMinutes = OpenMinuteCounts.ofAdFilterKeys();
        openMinutes.restore(context.getRawKeyedStateInputs());
    }

    /** The open minutes' counts are this operator's raw keyed state; it registers no timers in streaming. */
    @Override
    protected boolean isUsingCustomRawKeyedState() {
        return true;
    }

    @Override
    public void open() throws Exception {
        super.open();
        countsDescriptor =
                new ValueStateDescriptor<>(
                        "packed-minute-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
        minuteCounts = getPartitionedState(countsDescriptor);
        StreamConfig.InputConfig[] inputs = getOperatorConfig().getInputs(getUserCodeClassloader());
        sortedInput = inputs.length > 0 && StreamConfig.requiresSorting(inputs[0]);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        tops = new WindowTops(n);
        reuse = new StreamRecord<>(null);
        reuseCount = new StreamRecord<>(null);
        tooLateCounts = getMetricGroup().counter("too-late-counts");
        lateDropped = getMetricGroup().counter("numLateRecordsDropped");
        if (restored && !sortedInput) {
            loadOpenMinutesFromKeyedState();
        }
    }

    /**
     * Puts on the heap the minutes in the keyed state that are open at the restored watermark:
     * earlier versions kept open minutes there, and after a rescale the restored watermark is the
     * lowest of the old subtasks', so a minute another subtask had closed and stored is open again
     * here. A partial for it must add to the stored count, not replace it.
     */
    private void loadOpenMinutesFromKeyedState() throws Exception {
        long watermark = emitted.watermark();
        forEachKey(
                (key, state) -> {
                    long[] counts = state.value();
                    for (int i = 0; i < MinuteCounts.size(counts); i++) {
                        long minute = MinuteCounts.minute(counts, i);
                        if (Minutes.maxTimestamp(minute) > watermark) {
                            openMinutes.addStored(minute, new AdFilterKey(key.adId, key.filterId), MinuteCounts.count(counts, i));
                        }
                    }
                });
    }

    private void forEachKey(KeyedStateFunction<AdFilterKey, ValueState<long[]>> function) throws Exception {
        this.<AdFilterKey>getKeyedStateBackend()
                .applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, countsDescriptor, function);
    }

    @Override
    public void processElement(StreamRecord<ClickCount> element) throws Exception {
        ClickCount partial = element.getValue();
        long minute = partial.minute;
        long watermark = emitted.watermark();
        if (Minutes.closed(minute, allowedLatenessMillis, watermark)) {
            lateDropped.inc();
            return;
        }
        if (!sortedInput && Minutes.maxTimestamp(minute) > watermark) {
            openMinutes.add(minute, (AdFilterKey) getCurrentKey(), partial.count);
            return;
        }
        // A late partial, or sorted input: the state holds the count.
        long firstWindowEnd = Math.max(minute + Minutes.MILLIS, firstUnemittedWindowEnd(watermark));
        long[] counts = minuteCounts.value();
        if (counts == null) {
            counts = MinuteCounts.of(firstWindowEnd);
            if (sortedInput) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, firstWindowEnd - 1);
            }
        } else if (firstWindowEnd < MinuteCounts.nextWindowEnd(counts)) {
            // An earlier minute: its windows, before the ones this key had to emit, are due too.
            counts = MinuteCounts.withNextWindowEnd(counts, firstWindowEnd);
        }
        long total = MinuteCounts.get(counts, minute) + partial.count;
        minuteCounts.update(MinuteCounts.put(counts, minute, total));
        if (!sortedInput) {
            // Its minute went out already: the new total replaces it at once, as a late window firing.
            emitCount(partial.adId, partial.filterId, minute, total);
        }
        if (firstWindowEnd > minute + maxLookBackMillis) {
            tooLateCounts.inc();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long next = mark.getTimestamp();
        if (sortedInput) {
            // BATCH: the end of input fires the last key's timer; then every window is complete.
            timeServiceManager.advanceWatermark(mark);
        } else {
            emitClosedMinutes(next);
            long firstDue = firstUnemittedWindowEnd(emitted.watermark());
            long lastDue = lastDueWindowEnd(next);
            long firstOpen = firstOpenMinute(allowedLatenessMillis, next);
            if (lastDue != Long.MIN_VALUE && lastDue >= firstDue) {
                forEachKey(
                        (key, state) -> {
                            long[] counts = state.value();
                            store(counts, offerWindows(key, counts, firstDue, lastDue, firstOpen));
                        });
            }
        }
        tops.drain(this::emit);
        emitted.advance(next);
        super.processWatermark(mark);
    }

    @Override
    public void onEventTime(InternalTimer<AdFilterKey, VoidNamespace> timer) throws Exception {
        if (!sortedInput) {
            return; // a timer of the per-key timer version, restored from its savepoint
        }
        long[] counts = minuteCounts.value();
        if (counts != null) {
            AdFilterKey key = timer.getKey();
            for (int i = 0; i < MinuteCounts.size(counts); i++) {
                emitCount(key.adId, key.filterId, MinuteCounts.minute(counts, i), MinuteCounts.count(counts, i));
            }
            offerWindows(key, counts, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
            minuteCounts.clear();
        }
    }

    /**
     * Emits the count of every key of each minute that ends at or before {@code watermark}, then
     * stores the counts, so that the windows due at this watermark find them.
     */
    private void emitClosedMinutes(long watermark) throws Exception {
        while (!openMinutes.isEmpty() && Minutes.maxTimestamp(openMinutes.earliestMinute()) <= watermark) {
            Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>> closing = openMinutes.pollEarliest();
            long minute = closing.getKey();
            closing.getValue().forEach((key, count, stored) -> emitCount(key.adId, key.filterId, minute, count));
            storeOpenCounts(minute, closing.getValue());
        }
    }

    /** Writes the counts of a closing minute that the state does not hold yet. */
    private void storeOpenCounts(long minute, OpenMinuteCounts.Minute<AdFilterKey> byKey) throws Exception {
        // An open minute's windows all end after it: none of them is out.
        long firstWindowEnd = minute + Minutes.MILLIS;
        byKey.forEach(
                (key, count, stored) -> {
                    if (stored) {
                        return;
                    }
                    setCurrentKey(key);
                    long[] counts = minuteCounts.value();
                    if (counts == null) {
                        counts = MinuteCounts.of(firstWindowEnd);
                    } else if (firstWindowEnd < MinuteCounts.nextWindowEnd(counts)) {
                        counts = MinuteCounts.withNextWindowEnd(counts, firstWindowEnd);
                    }
                    minuteCounts.update(MinuteCounts.put(counts, minute, count));
                });
    }

    @Override
    public void onProcessingTime(InternalTimer<AdFilterKey, VoidNamespace> timer) {
        // No processing-time timers are registered.
    }

    @Override
    public void endInput() {
        tops.drain(this::emit);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!sortedInput) {
            openMinutes.snapshot(
                    context.getRawKeyedOperatorStateOutput(),
                    ((CheckpointableKeyedStateBackend<?>) getKeyedStateBackend()).getKeyGroupRange(),
                    getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
        }
        emitted.snapshotState();
    }

    /**
     * Offers the key's sums of the windows ending from {@code firstDue} to {@code lastDue} that hold
     * one of its counts, and returns {@code counts} without the minutes that no later window needs
     * and no late partial can change (those before {@code firstOpen}).
     */
    private long[] offerWindows(AdFilterKey key, long[] counts, long firstDue, long lastDue, long firstOpen) {
        long end = Math.max(firstDue, MinuteCounts.nextWindowEnd(counts));
        while (true) {
            long[] kept = MinuteCounts.removeBefore(counts, Math.min(end - maxLookBackMillis, firstOpen));
            if (MinuteCounts.isEmpty(kept)) {
                return kept;
            }
            if (kept != counts) {
                counts = MinuteCounts.withNextWindowEnd(kept, end);
            }
            // Skip the windows that would hold no count, e.g. before a minute that arrived early.
            end = Math.max(end, MinuteCounts.earliestMinute(counts) + Minutes.MILLIS);
            if (end > lastDue) {
                return counts;
            }
            for (int i = 0; i < windowMinutes.length; i++) {
                long sum = MinuteCounts.sum(counts, end - windowMillis[i], end);
                if (sum > 0) {
                    tops.offer(key.filterId, windowMinutes[i], end, key.adId, sum);
                }
            }
            end += Minutes.MILLIS;
        }
    }

    /** Writes the current key's counts if they changed; an empty key leaves no state. */
    private void store(long[] before, long[] after) throws Exception {
        if (after == before) {
            return;
        }
        if (MinuteCounts.isEmpty(after)) {
            minuteCounts.clear();
        } else {
            minuteCounts.update(after);
        }
    }

    private void emitCount(String adId, int filterId, long minute, long count) {
        output.collect(
                FILTER_COUNTS,
                reuseCount.replace(ClickCount.forFilter(adId, filterId, minute, count), Minutes.maxTimestamp(minute)));
    }

    private void emit(TopCandidates candidates) {
        output.collect(reuse.replace(candidates, candidates.windowEnd - 1));
    }

    /**
     * The first window end w whose list is not out yet (w - 1 > watermark); windows are emitted
     * when the watermark reaches w - 1.
     */
    static long firstUnemittedWindowEnd(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Minutes.start(watermark + 1) + Minutes.MILLIS;
    }

    /**
     * The first minute whose count a late partial may still change at {@code watermark} (every
     * minute before it is {@link Minutes#closed closed}): all are closed at the end of input.
     */
    static long firstOpenMinute(long allowedLatenessMillis, long watermark) {
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Minutes.start(watermark - allowedLatenessMillis - (Minutes.MILLIS - 1)) + Minutes.MILLIS;
    }

    /** The last window end due at {@code watermark}: every one, at the end of input. */
    static long lastDueWindowEnd(long watermark) {
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Minutes.start(watermark + 1);
    }
}
