package dev.tally.jobs.adclick.functions;

import dev.tally.schema.adclick.AdClickEvent;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Drops repeated clicks (keyed by click_id, first occurrence wins) over an event-time horizon, and
 * diverts clicks too late for the 1-minute count window to {@link #LATE}.
 *
 * <p>Ids are forgotten a whole event-time minute at a time, without a timer per click: a timer per
 * click cost a write and a later delete in RocksDB's timer queue, its largest item in the job's
 * profile. A click id is looked up by the id alone, so a copy is a duplicate whatever its click_ts.
 * Each accepted id is also listed in the namespace of its click minute, in one of {@link #SLOTS}
 * index states (RocksDB column families) chosen by that minute; when the watermark passes a
 * minute's end plus the horizon, the minute's ids are listed from their slot, which holds little
 * else, and both entries are cleared.
 */
public class DeduplicateClicks extends AbstractStreamOperator<AdClickEvent>
        implements OneInputStreamOperator<AdClickEvent, AdClickEvent> {

    private static final long serialVersionUID = 2L;

    public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(10);

    /** Clicks the count window would drop; they are neither deduplicated nor stored. */
    public static final OutputTag<AdClickEvent> LATE =
            new OutputTag<>("late-clicks", TypeInformation.of(AdClickEvent.class));

    /**
     * Fixed for good: a restored id must be listed in the slot it was written to, or it is never
     * forgotten. More minutes than slots are live only with a horizon over 15 minutes or clicks far
     * ahead of the watermark; then a slot holds several minutes and listing one also reads the others.
     */
    static final int SLOTS = 16;

    private final long horizonMillis;
    private final long allowedLatenessMillis;

    private transient ValueState<Boolean> seen;
    private transient ValueStateDescriptor<Boolean>[] slotDescriptors;
    private transient InternalValueState<String, Long, Boolean>[] slots;
    /** Click minutes that may still hold ids on this subtask, oldest first. */
    private transient TreeSet<Long> minutes;
    /** Union list state: after rescaling, any subtask may hold ids of any minute. */
    private transient ListState<Long> checkpointedMinutes;
    private transient long lastMinute;
    private transient long watermark;
    private transient Counter duplicates;
    private transient Counter late;

    /**
     * @param horizon how long (event time) a click_id is remembered: at least until the watermark
     *     passes the end of its click minute plus the horizon
     * @param allowedLateness the count window's allowed lateness
     * @throws IllegalArgumentException unless horizon >= allowedLateness + 1 minute: only then is
     *     every duplicate that arrives after its id was forgotten late anyway, so none slips through
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
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedMinutes =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("click-id-minutes", Types.LONG));
        minutes = new TreeSet<>();
        if (context.isRestored()) {
            for (Long minute : checkpointedMinutes.get()) {
                minutes.add(minute);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        seen = getPartitionedState(new ValueStateDescriptor<>("click-id-seen", Types.BOOLEAN));
        slotDescriptors = new ValueStateDescriptor[SLOTS];
        slots = new InternalValueState[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            slotDescriptors[i] = new ValueStateDescriptor<>(slotStateName(i), Types.BOOLEAN);
            // The internal view lets each lookup switch namespace without a per-click state lookup.
            slots[i] =
                    (InternalValueState<String, Long, Boolean>)
                            getOrCreateKeyedState(LongSerializer.INSTANCE, slotDescriptors[i]);
        }
        lastMinute = Long.MIN_VALUE;
        watermark = Long.MIN_VALUE;
        duplicates = getMetricGroup().counter("duplicates");
        late = getMetricGroup().counter("late");
    }

    @Override
    public void processElement(StreamRecord<AdClickEvent> element) throws Exception {
        if (seen.value() != null) {
            // Checked before lateness: a late copy of a counted click is a duplicate, and the late
            // output then holds only clicks that were never counted (what reconciliation must add).
            duplicates.inc();
            return;
        }
        long minute = Minutes.start(element.getValue().getClickTs());
        // The window operator's own drop condition, so the window never drops a click silently.
        if (Minutes.maxTimestamp(minute) + allowedLatenessMillis <= watermark) {
            late.inc();
            output.collect(LATE, element);
            return;
        }
        seen.update(Boolean.TRUE);
        InternalValueState<String, Long, Boolean> minuteIds = slots[slot(minute)];
        minuteIds.setCurrentNamespace(minute);
        minuteIds.update(Boolean.TRUE);
        if (minute != lastMinute) {
            minutes.add(minute);
            lastMinute = minute;
        }
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        // The final watermark ends the input: nothing is left to deduplicate, and the keyed state
        // of batch execution cannot list its keys.
        if (watermark != Long.MAX_VALUE) {
            forgetExpiredMinutes();
        }
        super.processWatermark(mark);
    }

    private void forgetExpiredMinutes() throws Exception {
        while (!minutes.isEmpty() && Minutes.maxTimestamp(minutes.first()) + horizonMillis <= watermark) {
            long minute = minutes.pollFirst();
            getKeyedStateBackend()
                    .applyToAllKeys(
                            minute,
                            LongSerializer.INSTANCE,
                            slotDescriptors[slot(minute)],
                            (clickId, minuteIds) -> {
                                minuteIds.clear();
                                seen.clear();
                            });
            if (minute == lastMinute) {
                lastMinute = Long.MIN_VALUE;
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedMinutes.update(new ArrayList<>(minutes));
    }

    /** The index state of one slot. */
    static String slotStateName(int slot) {
        return "click-ids-" + slot;
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute / Minutes.MILLIS, (long) SLOTS);
    }
}
