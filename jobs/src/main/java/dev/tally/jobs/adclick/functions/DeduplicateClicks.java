package dev.tally.jobs.adclick.functions;

import dev.tally.schema.adclick.AdClickEvent;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.Objects;

/**
 * Drops repeated clicks (keyed by click_id, first occurrence wins) over an event-time horizon, and
 * diverts clicks too late for the 1-minute count window to {@link #LATE}.
 *
 * <p>Ids are forgotten a whole event-time minute at a time, without a timer per click: a timer per
 * click cost a write and a later delete in RocksDB's timer queue, its largest item in the job's
 * profile. A click id is looked up by the id alone, so a copy is a duplicate whatever its click_ts.
 * Each accepted id is also filed under its click minute ({@link MinuteSlots}); when the watermark
 * passes a minute's end plus the horizon, the minute's ids are listed and both entries are cleared.
 * More minutes than slots are open only with a horizon over 15 minutes or clicks far ahead of the
 * watermark.
 */
public class DeduplicateClicks extends AbstractStreamOperator<AdClickEvent>
        implements OneInputStreamOperator<AdClickEvent, AdClickEvent> {

    private static final long serialVersionUID = 2L;

    private static final String SLOT_PREFIX = "click-ids-";

    public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(10);

    /** Clicks the count window would drop; they are neither deduplicated nor stored. */
    public static final OutputTag<AdClickEvent> LATE =
            new OutputTag<>("late-clicks", TypeInformation.of(AdClickEvent.class));

    private final long horizonMillis;
    private final long allowedLatenessMillis;

    private transient ValueState<Boolean> seen;
    private transient MinuteSlots<String, Boolean> minuteIds;
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
        long latenessMillis = Minutes.latenessMillis(allowedLateness);
        if (horizon.compareTo(allowedLateness.plusMinutes(1)) < 0) {
            throw new IllegalArgumentException(
                    "dedup horizon "
                            + horizon
                            + " must be at least allowed lateness + 1 minute ("
                            + allowedLateness.plusMinutes(1)
                            + ")");
        }
        this.horizonMillis = horizon.toMillis();
        this.allowedLatenessMillis = latenessMillis;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        minuteIds = new MinuteSlots<>(SLOT_PREFIX, "click-id-minutes", Types.BOOLEAN);
        minuteIds.initializeState(context);
    }

    @Override
    public void open() throws Exception {
        super.open();
        seen = getPartitionedState(new ValueStateDescriptor<>("click-id-seen", Types.BOOLEAN));
        minuteIds.open(getKeyedStateBackend());
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
        // The count window's own drop condition, so the window never drops a click silently.
        if (Minutes.closed(minute, allowedLatenessMillis, watermark)) {
            late.inc();
            output.collect(LATE, element);
            return;
        }
        seen.update(Boolean.TRUE);
        minuteIds.of(minute).update(Boolean.TRUE);
        minuteIds.held(minute);
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
        while (!minuteIds.minutes().isEmpty()
                && Minutes.maxTimestamp(minuteIds.minutes().first()) + horizonMillis <= watermark) {
            long minute = minuteIds.minutes().first();
            minuteIds.forEachKey(
                    minute,
                    (clickId, listed) -> {
                        listed.clear();
                        seen.clear();
                    });
            minuteIds.forget(minute);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        minuteIds.snapshotState();
    }

    /** The index state of one slot. */
    static String slotStateName(int slot) {
        return MinuteSlots.slotName(SLOT_PREFIX, slot);
    }
}
