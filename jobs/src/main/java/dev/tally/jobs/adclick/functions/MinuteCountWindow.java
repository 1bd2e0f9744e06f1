package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
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

import java.time.Duration;
import java.util.ArrayList;

/**
 * The 1-minute count window: adds up the partial counts of each key (an ad and a country; the
 * filter rows are counted by {@link RollingTopCandidates}, which holds them for the ranking) per
 * event-time minute, and emits each minute's total, stamped with the minute's
 * last millisecond, when the watermark passes the minute's end. A partial that arrives after that,
 * within the allowed lateness, emits its key's new total at once, as Flink's event-time trigger
 * does; one later still is dropped (metric {@code numLateRecordsDropped}; dedup diverts those
 * clicks to its late output before they are counted).
 *
 * <p>No timer per key: Flink's window operator registers an event-time timer per key and window,
 * a write into RocksDB's timer queue, and pops it with a delete when the window fires. Here the
 * totals are filed under their minute ({@link MinuteSlots}) and the watermark lists a closing
 * minute's keys. More minutes than slots are open only with an allowed lateness over 15 minutes.
 *
 * <p>Input sorted by key (BATCH execution) comes with keyed state that holds one key at a time and
 * cannot list keys; there a timer per key and minute emits the key's totals when its input ends.
 */
public class MinuteCountWindow extends AbstractStreamOperator<ClickCount>
        implements OneInputStreamOperator<ClickCount, ClickCount>, Triggerable<CountKey, Long> {

    private static final long serialVersionUID = 1L;

    private static final String SLOT_PREFIX = "minute-totals-";

    private final long allowedLatenessMillis;

    private transient MinuteSlots<CountKey, Long> totals;
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
        totals = new MinuteSlots<>(SLOT_PREFIX, "open-minutes", Types.LONG);
        totals.initializeState(context);
        // A minute emitted again after a restore is the same total again.
        emitted = EmittedThrough.lowestRestored();
        emitted.initializeState(context);
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
        ValueState<Long> ofMinute = totals.of(minute);
        Long before = ofMinute.value();
        long total = (before == null ? 0L : before) + partial.count;
        ofMinute.update(total);
        if (!sortedInput) {
            totals.held(minute);
        } else if (before == null) {
            minuteEnds.registerEventTimeTimer(minute, end);
        }
        if (end <= watermark) {
            // Its minute was emitted already: a late partial updates the total at once.
            emit((CountKey) getCurrentKey(), minute, total);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long next = mark.getTimestamp();
        long watermark = emitted.watermark();
        if (!sortedInput) {
            for (long minute : new ArrayList<>(totals.minutes())) {
                long end = Minutes.maxTimestamp(minute);
                if (end > next) {
                    break;
                }
                boolean due = end > watermark;
                boolean expired = Minutes.closed(minute, allowedLatenessMillis, next);
                if (due || expired) {
                    sweep(minute, due, expired);
                }
                if (expired) {
                    totals.forget(minute);
                }
            }
        }
        emitted.advance(next);
        // In BATCH execution this fires the timers; the totals go out before the watermark.
        super.processWatermark(mark);
    }

    /** Emits ({@code due}) and clears ({@code expired}) the totals of every key of {@code minute}. */
    private void sweep(long minute, boolean due, boolean expired) throws Exception {
        totals.forEachKey(
                minute,
                (key, ofMinute) -> {
                    Long total = ofMinute.value();
                    if (due && total != null) {
                        emit(key, minute, total);
                    }
                    if (expired) {
                        ofMinute.clear();
                    }
                });
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
        totals.snapshotState();
        emitted.snapshotState();
    }

    private void emit(CountKey key, long minute, long total) {
        output.collect(
                reuse.replace(
                        new ClickCount(key.adId, key.filterId, key.country, minute, total),
                        Minutes.maxTimestamp(minute)));
    }

    /** The state of one slot. */
    static String slotStateName(int slot) {
        return MinuteSlots.slotName(SLOT_PREFIX, slot);
    }
}
