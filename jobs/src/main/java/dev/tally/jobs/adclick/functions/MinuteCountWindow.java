package dev.tally.jobs.adclick.functions;

import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.jobs.kit.state.TimeBucketSlots;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The 1-minute count window: adds up the partial counts of each key (an ad and a country; the
 * filter rows are counted by {@link RollingTopCandidates}, which holds them for the ranking) per
 * event-time minute, and emits each minute's total, stamped with the minute's
 * last millisecond, when the watermark passes the minute's end. A partial that arrives after that,
 * within the allowed lateness, emits its key's new total at once, as Flink's event-time trigger
 * does; one later still is dropped (metric {@code numLateRecordsDropped}; dedup diverts those
 * clicks to its late output before they are counted).
 *
 * <p>The totals of open minutes add up on the heap ({@link OpenMinuteCounts}, checkpointed as raw
 * keyed state), so a partial costs no state access: a read of the key's total in RocksDB was half of
 * this operator's thread. A closing minute's totals go to the keyed state only if the allowed
 * lateness keeps the minute for late partials; there they are filed under their minute ({@link
 * TimeBucketSlots}) and the watermark that ends the lateness lists and clears them, with no timer per
 * key. More minutes than slots are kept only with an allowed lateness over 15 minutes.
 *
 * <p>Input sorted by key (BATCH execution) comes with keyed state that holds one key at a time and
 * cannot list keys; there a timer per key and minute emits the key's totals when its input ends.
 */
public class MinuteCountWindow extends AbstractStreamOperator<ClickCount>
        implements OneInputStreamOperator<ClickCount, ClickCount>, Triggerable<CountKey, Long> {

    private static final long serialVersionUID = 1L;

    private static final String SLOT_PREFIX = "minute-totals-";

    private final long allowedLatenessMillis;

    /** Closed minutes' totals kept for late partials; in BATCH execution every total. */
    private transient TimeBucketSlots<CountKey, Long> totals;

    private transient OpenMinuteCounts<CountKey> openMinutes;
    private transient boolean restored;
    /** Minutes whose last millisecond is at most its watermark have been emitted. */
    private transient EmittedThrough emitted;

    private transient boolean sortedInput;
    private transient InternalTimerService<Long> minuteEnds;
    private transient StreamRecord<ClickCount> reuse;
    private transient Counter lateDropped;

    /** @param allowedLateness how long after a minute's end its totals still change */
    public MinuteCountWindow(Duration allowedLateness) {
        this.allowedLatenessMillis = Minutes.latenessMillis(allowedLateness);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        totals = new TimeBucketSlots<>(SLOT_PREFIX, "open-minutes", Types.LONG, Minutes.MILLIS);
        totals.initializeState(context);
        // A minute emitted again after a restore is the same total again.
        emitted = EmittedThrough.lowestRestored();
        emitted.initializeState(context);
        restored = context.isRestored();
        openMinutes = OpenMinuteCounts.ofCountKeys();
        openMinutes.restore(context.getRawKeyedStateInputs());
    }

    /** The open minutes' totals are this operator's raw keyed state; it registers no timers in streaming. */
    @Override
    protected boolean isUsingCustomRawKeyedState() {
        return true;
    }

    @Override
    public void open() throws Exception {
        super.open();
        totals.open(getKeyedStateBackend());
        StreamConfig.InputConfig[] inputs = getOperatorConfig().getInputs(getUserCodeClassloader());
        sortedInput = inputs.length > 0 && StreamConfig.requiresSorting(inputs[0]);
        if (sortedInput) {
            minuteEnds = getInternalTimerService("minute-ends", LongSerializer.INSTANCE, this);
        }
        reuse = new StreamRecord<>(null);
        lateDropped = getMetricGroup().counter("numLateRecordsDropped");
        if (restored && !sortedInput) {
            loadOpenMinutesFromKeyedState();
        }
    }

    /**
     * Puts on the heap the totals in the keyed state of minutes open at the restored watermark:
     * earlier versions kept open minutes there, and after a rescale the restored watermark is the
     * lowest of the old subtasks', so a minute another subtask had closed and kept is open again here.
     * A partial for it must add to the kept total, not replace it.
     */
    private void loadOpenMinutesFromKeyedState() throws Exception {
        long watermark = emitted.watermark();
        for (long minute : totals.buckets()) {
            if (Minutes.maxTimestamp(minute) > watermark) {
                totals.forEachKey(minute, (key, ofMinute) -> {
                    Long total = ofMinute.value();
                    if (total != null) {
                        openMinutes.addStored(minute, key, total);
                    }
                });
            }
        }
    }

    @Override
    public void processElement(StreamRecord<ClickCount> element) throws Exception {
        ClickCount partial = element.getValue();
        long minute = partial.minute;
        long end = Minutes.maxTimestamp(minute);
        long watermark = emitted.watermark();
        if (Minutes.closed(minute, allowedLatenessMillis, watermark)) {
            lateDropped.inc();
            return;
        }
        if (!sortedInput && end > watermark) {
            openMinutes.add(minute, (CountKey) getCurrentKey(), partial.count);
            return;
        }
        // A late partial, or sorted input: the keyed state holds the total.
        ValueState<Long> ofMinute = totals.of(minute);
        Long before = ofMinute.value();
        long total = (before == null ? 0L : before) + partial.count;
        ofMinute.update(total);
        if (!sortedInput) {
            totals.held(minute);
            // Its minute was emitted already: a late partial updates the total at once.
            emit((CountKey) getCurrentKey(), minute, total);
        } else if (before == null) {
            minuteEnds.registerEventTimeTimer(minute, end);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long next = mark.getTimestamp();
        if (!sortedInput) {
            emitClosedMinutes(next);
            forgetExpiredMinutes(next);
        }
        emitted.advance(next);
        // In BATCH execution this fires the timers; the totals go out before the watermark.
        super.processWatermark(mark);
    }

    /**
     * Emits the totals of every key of each open minute that ends at or before {@code watermark},
     * and keeps them in the keyed state if late partials may still change them.
     */
    private void emitClosedMinutes(long watermark) throws Exception {
        while (!openMinutes.isEmpty() && Minutes.maxTimestamp(openMinutes.earliestMinute()) <= watermark) {
            Map.Entry<Long, OpenMinuteCounts.Minute<CountKey>> closing = openMinutes.pollEarliest();
            long minute = closing.getKey();
            boolean kept = !Minutes.closed(minute, allowedLatenessMillis, watermark);
            closing.getValue().forEach((key, total, stored) -> {
                emit(key, minute, total);
                if (kept && !stored) {
                    setCurrentKey(key);
                    totals.of(minute).update(total);
                    totals.held(minute);
                }
            });
        }
    }

    /** Clears the kept totals of every minute that no late partial can change any more. */
    private void forgetExpiredMinutes(long watermark) throws Exception {
        while (!totals.buckets().isEmpty()
                && Minutes.closed(totals.buckets().first(), allowedLatenessMillis, watermark)) {
            long minute = totals.buckets().first();
            totals.forEachKey(minute, (key, ofMinute) -> ofMinute.clear());
            totals.forget(minute);
        }
    }

    @Override
    public void onEventTime(InternalTimer<CountKey, Long> timer) throws Exception {
        long minute = timer.getNamespace();
        ValueState<Long> ofMinute = totals.of(minute);
        Long total = ofMinute.value();
        if (total != null) {
            emit(timer.getKey(), minute, total);
            ofMinute.clear();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<CountKey, Long> timer) {
        // No processing-time timers are registered.
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
        totals.snapshotState();
        emitted.snapshotState();
    }

    private void emit(CountKey key, long minute, long total) {
        output.collect(reuse.replace(
                new ClickCount(key.adId, key.filterId, key.country, minute, total), Minutes.maxTimestamp(minute)));
    }

    /** The state of one slot. */
    static String slotStateName(int slot) {
        return TimeBucketSlots.slotName(SLOT_PREFIX, slot);
    }
}
