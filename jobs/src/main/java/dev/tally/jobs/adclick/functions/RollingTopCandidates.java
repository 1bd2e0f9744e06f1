package dev.tally.jobs.adclick.functions;

import dev.tally.jobs.kit.state.EmittedThrough;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
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
 * <p>The walk covers every key of the longest window, an hour of keys by default, millions of them
 * over a wide catalogue of ads, so its state access is the operator's cost. Each key's counts are one
 * {@code long[]} ({@link MinuteCounts}), and the counts of all keys of a key group are one MapState
 * under that group's {@link KeyGroupAnchors anchor} ({@link KeyMinuteCounts} keeps that layout): the walk reads them with one RocksDB iterator
 * pass per group, keys and values together, where a ValueState per key cost a point read per key
 * after Flink's key iterator had passed it (41% of the thread in a profile, the iterator 11%).
 *
 * <p>The lists need not wait for that walk. Each walk also keeps, per (filter, window size), the
 * best 2n sums of the windows ending at the next boundary without their last minute ({@link
 * NextWindowTops}); when that minute closes, its counts on the heap complete the lists, exactly,
 * with a state read only for a key whose bound could enter one. The lists and the watermark then go
 * out before the walk, which stores the closing minute and makes the next boundary's partial sums.
 * When more than one window end is due at once (after a restore, a jump of the watermark, the end
 * of input), the walk makes the lists, as before.
 *
 * <p>The partials of a minute still open add up on the heap ({@link OpenMinuteCounts}, checkpointed
 * as raw keyed state), and none reaches the keyed state before the minute closes, however many
 * partials it has (pre-aggregation sends one per subtask and per overflow of its map). The closing
 * minute's counts go out first, from the heap, as the walk would delay them; then the walk adds
 * each key's closing count to the counts it has just read, so a minute's close costs one blind
 * write per key and no read. A minute leaves a key's counts when no later window needs it and it is
 * closed to late partials, and the key leaves the map when no minute remains.
 *
 * <p>Input sorted by key (BATCH execution) comes with keyed state that holds one key at a time and
 * cannot list keys; there each key's counts are its own ValueState, as earlier streaming versions
 * kept them (a restore moves those into the groups' maps), and a timer per key emits all its
 * minutes and windows when its input ends.
 */
public class RollingTopCandidates extends AbstractStreamOperator<TopCandidates>
        implements OneInputStreamOperator<ClickCount, TopCandidates>,
                Triggerable<AdFilterKey, VoidNamespace>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;

    public static final int[] DEFAULT_WINDOW_MINUTES = {1, 5, 60};

    /**
     * {@link #nextTops} keeps this many times n partial sums per (filter, window size): at least n
     * make it exact, more let fewer keys of a closing minute pass its bound and need a state read.
     */
    private static final int KEEP_PER_N = 2;

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

    /** Per key, the first window end still to emit and the minute counts (always > 0). */
    private transient KeyMinuteCounts counts;

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
    /**
     * The best partial sums of the windows ending at the next minute boundary, from the last walk,
     * so that their lists go out before the next walk; null until a walk has made them.
     */
    private transient NextWindowTops nextTops;

    private transient boolean sortedInput;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient StreamRecord<TopCandidates> reuse;
    private transient StreamRecord<ClickCount> reuseCount;
    private transient Counter tooLateCounts;
    private transient Counter lateDropped;
    private transient Counter listsBeforeWalk;
    private transient Counter listReads;

    /**
     * @param n how many ads each subtask keeps per (filter, window size, window end)
     * @param allowedLateness how long after a minute's end its count still changes
     * @param windowMinutes the window sizes M, in minutes: positive and distinct
     */
    public RollingTopCandidates(int n, Duration allowedLateness, int... windowMinutes) {
        this.n = AdTopN.checkSize(n);
        this.allowedLatenessMillis = Minutes.latenessMillis(allowedLateness);
        this.windowMinutes = WindowEnds.checkWindowMinutes(windowMinutes);
        this.windowMillis = Arrays.stream(this.windowMinutes)
                .mapToLong(m -> m * Minutes.MILLIS)
                .toArray();
        this.maxLookBackMillis = windowMillis[windowMillis.length - 1];
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
        // In BATCH execution, and in savepoints of earlier streaming versions: a ValueState per key.
        ValueStateDescriptor<long[]> perKey = new ValueStateDescriptor<>(
                "packed-minute-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
        ValueState<long[]> own = getPartitionedState(perKey);
        StreamConfig.InputConfig[] inputs = getOperatorConfig().getInputs(getUserCodeClassloader());
        sortedInput = inputs.length > 0 && StreamConfig.requiresSorting(inputs[0]);
        if (sortedInput) {
            counts = KeyMinuteCounts.perKey(perKey, own, getKeyedStateBackend(), this::setCurrentKey);
        } else {
            counts = KeyMinuteCounts.perGroup(
                    perKey,
                    own,
                    getPartitionedState(new MapStateDescriptor<>(
                            "group-minute-counts",
                            TypeInformation.of(AdFilterKey.class),
                            PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO)),
                    KeyGroupAnchors.of(
                            ((CheckpointableKeyedStateBackend<?>) getKeyedStateBackend()).getKeyGroupRange(),
                            getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks()),
                    getKeyedStateBackend(),
                    this::setCurrentKey);
        }
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        tops = new WindowTops(n);
        reuse = new StreamRecord<>(null);
        reuseCount = new StreamRecord<>(null);
        tooLateCounts = getMetricGroup().counter("too-late-counts");
        lateDropped = getMetricGroup().counter("numLateRecordsDropped");
        listsBeforeWalk = getMetricGroup().counter("lists-before-walk");
        listReads = getMetricGroup().counter("list-completion-reads");
        if (restored && !sortedInput) {
            counts.moveKeyStateIntoGroups();
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
        for (int group : counts.groups()) {
            for (Map.Entry<AdFilterKey, long[]> entry : counts.enterGroup(group)) {
                long[] stored = entry.getValue();
                for (int i = 0; i < MinuteCounts.size(stored); i++) {
                    long minute = MinuteCounts.minute(stored, i);
                    if (Minutes.maxTimestamp(minute) > watermark) {
                        openMinutes.addStored(minute, entry.getKey(), MinuteCounts.count(stored, i));
                    }
                }
            }
        }
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
        AdFilterKey key = (AdFilterKey) getCurrentKey();
        long firstWindowEnd = Math.max(minute + Minutes.MILLIS, WindowEnds.firstUnemittedWindowEnd(watermark));
        long[] counts = this.counts.get(key);
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
        counts = MinuteCounts.put(counts, minute, total);
        this.counts.put(key, counts);
        if (nextTops != null) {
            nextTops.raise(key, counts);
        }
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
            List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> closing = emitClosedMinutes(next);
            long firstDue = WindowEnds.firstUnemittedWindowEnd(emitted.watermark());
            long lastDue = WindowEnds.lastDueWindowEnd(next);
            long firstOpen = WindowEnds.firstOpenMinute(allowedLatenessMillis, next);
            if (completesNextWindow(closing, firstDue, lastDue)) {
                completeNextWindow(closing);
                tops.drain(this::emit);
                emitted.advance(next);
                // The lists are out, and the walk emits nothing: the watermark need not wait for it.
                super.processWatermark(mark);
                walk(closing, lastDue + Minutes.MILLIS, lastDue, firstOpen);
                return;
            }
            if (!closing.isEmpty() || (lastDue != Long.MIN_VALUE && lastDue >= firstDue)) {
                walk(closing, firstDue, lastDue, firstOpen);
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
        AdFilterKey key = timer.getKey();
        long[] counts = this.counts.get(key);
        if (counts != null) {
            for (int i = 0; i < MinuteCounts.size(counts); i++) {
                emitCount(key.adId, key.filterId, MinuteCounts.minute(counts, i), MinuteCounts.count(counts, i));
            }
            offerWindows(key, counts, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
            this.counts.clearCurrentKey();
        }
    }

    /**
     * Emits the count of every key of each minute that ends at or before {@code watermark}, and
     * returns those minutes, for the walk to store.
     */
    private List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> emitClosedMinutes(long watermark)
            throws Exception {
        List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> closing = new ArrayList<>(1);
        while (!openMinutes.isEmpty() && Minutes.maxTimestamp(openMinutes.earliestMinute()) <= watermark) {
            Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>> minute = openMinutes.pollEarliest();
            long start = minute.getKey();
            minute.getValue().forEach((key, count, stored) -> emitCount(key.adId, key.filterId, start, count));
            closing.add(minute);
        }
        return closing;
    }

    /**
     * Whether the one window end due is the one {@link #nextTops} holds, with at most its last
     * minute closing: then the lists come from there, and the walk only stores.
     */
    private boolean completesNextWindow(
            List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> closing, long firstDue, long lastDue) {
        return nextTops != null
                && firstDue == lastDue
                && lastDue == nextTops.windowEnd()
                && (closing.isEmpty() || (closing.size() == 1 && closing.get(0).getKey() == lastDue - Minutes.MILLIS));
    }

    /** Offers the lists of the window end due from {@link #nextTops} and the closing minute's counts. */
    private void completeNextWindow(List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> closing)
            throws Exception {
        listReads.inc(
                nextTops.complete(closing.isEmpty() ? null : closing.get(0).getValue(), counts::get, tops));
        listsBeforeWalk.inc();
    }

    /**
     * Offers the sums of every key's windows due, group by group, after adding the counts of the
     * closing minutes to the keys' counts, and writes the keys whose counts changed; then does the
     * same for the keys whose first counts are closing now. Each key's partial sums of the next
     * window end go into a new {@link #nextTops}.
     */
    private void walk(
            List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> closing,
            long firstDue,
            long lastDue,
            long firstOpen)
            throws Exception {
        nextTops = lastDue == Long.MIN_VALUE || lastDue == Long.MAX_VALUE
                ? null
                : new NextWindowTops(KEEP_PER_N * n, lastDue + Minutes.MILLIS, windowMinutes);
        List<AdFilterKey> changedKeys = new ArrayList<>();
        List<long[]> changedCounts = new ArrayList<>();
        for (int group : counts.groups()) {
            for (Map.Entry<AdFilterKey, long[]> entry : counts.enterGroup(group)) {
                AdFilterKey key = entry.getKey();
                long[] before = entry.getValue();
                long[] after =
                        offerWindows(key, withClosingCounts(key, before, closing, 0), firstDue, lastDue, firstOpen);
                offerNextWindow(key, after);
                if (after != before) {
                    changedKeys.add(key);
                    changedCounts.add(after);
                }
            }
            // Written after the pass: a map must not change while it is being iterated.
            for (int i = 0; i < changedKeys.size(); i++) {
                counts.putInCurrentGroup(changedKeys.get(i), changedCounts.get(i));
            }
            changedKeys.clear();
            changedCounts.clear();
        }
        for (int i = 0; i < closing.size(); i++) {
            long start = closing.get(i).getKey();
            int later = i + 1;
            // Earlier closing minutes took the keys they shared with this one; the later ones give theirs.
            closing.get(i).getValue().forEach((key, count, stored) -> {
                long[] first = withClosedMinute(MinuteCounts.of(start + Minutes.MILLIS), start, count);
                first = withClosingCounts(key, first, closing, later);
                first = offerWindows(key, first, firstDue, lastDue, firstOpen);
                offerNextWindow(key, first);
                counts.put(key, first);
            });
        }
    }

    private void offerNextWindow(AdFilterKey key, long[] counts) {
        if (nextTops != null) {
            nextTops.offer(key, counts);
        }
    }

    /**
     * The key's counts with its counts of the closing minutes from index {@code from} on (in minute
     * order), which give them up; those the keyed state holds already are not added again.
     */
    private static long[] withClosingCounts(
            AdFilterKey key,
            long[] counts,
            List<Map.Entry<Long, OpenMinuteCounts.Minute<AdFilterKey>>> closing,
            int from) {
        for (int i = from; i < closing.size(); i++) {
            long count = closing.get(i).getValue().takeUnstored(key);
            if (count != 0) {
                counts = withClosedMinute(counts, closing.get(i).getKey(), count);
            }
        }
        return counts;
    }

    /** The key's counts with a closing minute's: its windows all end after it, and none is out. */
    private static long[] withClosedMinute(long[] counts, long minute, long count) {
        long firstWindowEnd = minute + Minutes.MILLIS;
        if (firstWindowEnd < MinuteCounts.nextWindowEnd(counts)) {
            counts = MinuteCounts.withNextWindowEnd(counts, firstWindowEnd);
        }
        return MinuteCounts.put(counts, minute, count);
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

    /** How many keys hold counts, in either layout. */
    @VisibleForTesting
    long keysWithCounts() throws Exception {
        return counts.keys();
    }

    private void emitCount(String adId, int filterId, long minute, long count) {
        output.collect(
                FILTER_COUNTS,
                reuseCount.replace(ClickCount.forFilter(adId, filterId, minute, count), Minutes.maxTimestamp(minute)));
    }

    private void emit(TopCandidates candidates) {
        output.collect(reuse.replace(candidates, candidates.windowEnd - 1));
    }
}
