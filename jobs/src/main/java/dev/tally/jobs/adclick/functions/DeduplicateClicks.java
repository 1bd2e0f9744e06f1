package dev.tally.jobs.adclick.functions;

import dev.tally.jobs.kit.NeverIdle;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.jobs.kit.state.TimeBucketSlots;
import dev.tally.schema.adclick.AdClickEvent;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Drops repeated clicks (keyed by click_id, first occurrence wins) over an event-time horizon, and
 * diverts clicks too late for the 1-minute count window to {@link #LATE}.
 *
 * <p>Each accepted id is filed under its click minute ({@link TimeBucketSlots}); when the watermark
 * passes a minute's end plus the horizon, the minute's ids are listed and cleared, without a timer
 * per click (a timer per click cost a write and a later delete in RocksDB's timer queue). A click id
 * is looked up by the id alone, so a copy is a duplicate whatever its click_ts: the subtask keeps a
 * fingerprint of every id it remembers on the heap ({@link ClickIdFingerprints}), and only a click
 * whose fingerprint is held (a duplicate, or a rare collision) is looked up in the minutes that
 * are open. A lookup and a second write per click in RocksDB, an index by id, were the larger part
 * of the dedup thread's CPU. More minutes than slots are open only with a horizon over 15 minutes or
 * clicks far ahead of the watermark.
 *
 * <p>Input sorted by key (BATCH execution) brings each id's copies together and sees no watermark
 * before its end, so there the current key's own state answers, and nothing is filed by minute.
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

    private transient ValueStateDescriptor<Boolean> seenDescriptor;
    /** BATCH only; streaming versions before the fingerprints wrote it too, and open() clears theirs. */
    private transient ValueState<Boolean> seen;

    private transient TimeBucketSlots<String, Boolean> minuteIds;
    private transient ClickIdFingerprints remembered;
    private transient boolean sortedInput;
    private transient boolean restored;
    /**
     * Restored, not reset, so that the late test agrees with the count windows' after a restart: a
     * window subtask restores the watermark it had emitted through, and a late click let through
     * before the first new watermark would be dropped there, neither counted nor on the late output.
     * The highest of the old subtasks' watermarks ({@link EmittedThrough#highestRestored()}), as one
     * window subtask may have been that far; ids are then forgotten that much earlier, by less than
     * the horizon's margin over the allowed lateness.
     */
    private transient EmittedThrough watermark;

    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter accepted;

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
            throw new IllegalArgumentException("dedup horizon "
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
        minuteIds = new TimeBucketSlots<>(SLOT_PREFIX, "click-id-minutes", Types.BOOLEAN, Minutes.MILLIS);
        minuteIds.initializeState(context);
        watermark = EmittedThrough.highestRestored();
        watermark.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        seenDescriptor = new ValueStateDescriptor<>("click-id-seen", Types.BOOLEAN);
        seen = getPartitionedState(seenDescriptor);
        minuteIds.open(getKeyedStateBackend());
        StreamConfig.InputConfig[] inputs = getOperatorConfig().getInputs(getUserCodeClassloader());
        sortedInput = inputs.length > 0 && StreamConfig.requiresSorting(inputs[0]);
        remembered = new ClickIdFingerprints();
        if (restored && !sortedInput) {
            clearIdsOfEarlierVersions();
            rememberRestoredIds();
        }
        duplicates = RecordFate.DUPLICATE.counter(getMetricGroup());
        late = RecordFate.LATE.counter(getMetricGroup());
        accepted = RecordFate.ACCEPTED.counter(getMetricGroup());
        getMetricGroup().gauge("rememberedClickIds", (Gauge<Long>) remembered::size);
    }

    /** Ids that versions before the fingerprints also wrote under the id alone; nothing reads them now. */
    private void clearIdsOfEarlierVersions() throws Exception {
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        seenDescriptor,
                        (clickId, state) -> state.clear());
    }

    private void rememberRestoredIds() throws Exception {
        for (long minute : minuteIds.buckets()) {
            minuteIds.forEachKey(minute, (clickId, listed) -> remembered.add(clickId));
        }
    }

    @Override
    public void processElement(StreamRecord<AdClickEvent> element) throws Exception {
        String clickId = element.getValue().getClickId();
        if (isRemembered(clickId)) {
            // Checked before lateness: a late copy of a counted click is a duplicate, and the late
            // output then holds only clicks that were never counted (what reconciliation must add).
            duplicates.inc();
            return;
        }
        long minute = Minutes.start(element.getValue().getClickTs());
        // The count window's own drop condition, so the window never drops a click silently.
        if (Minutes.closed(minute, allowedLatenessMillis, watermark.watermark())) {
            late.inc();
            output.collect(LATE, element);
            return;
        }
        if (sortedInput) {
            seen.update(Boolean.TRUE);
        } else {
            minuteIds.of(minute).update(Boolean.TRUE);
            minuteIds.held(minute);
            remembered.add(clickId);
        }
        accepted.inc();
        output.collect(element);
    }

    /** Whether the current key, {@code clickId}, was accepted and is still remembered. */
    private boolean isRemembered(String clickId) throws Exception {
        if (sortedInput) {
            return seen.value() != null;
        }
        if (!remembered.mightContain(clickId)) {
            return false;
        }
        for (long minute : minuteIds.buckets()) {
            if (minuteIds.of(minute).value() != null) {
                return true;
            }
        }
        return false;
    }

    /** Decides what is late for the windows after it: {@link NeverIdle} says why its output stays active. */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        NeverIdle.forward(status, output);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark.advance(mark.getTimestamp());
        // Forwarded before the expiry, which emits nothing: pre-aggregation flushes a closing
        // minute's partials on this watermark, and listing and clearing an expired minute's ids
        // takes seconds at a high rate, which every count of the closing minute waited for.
        super.processWatermark(mark);
        // The final watermark ends the input: nothing is left to deduplicate, and the keyed state
        // of batch execution cannot list its keys.
        if (mark.getTimestamp() != Long.MAX_VALUE) {
            forgetExpiredMinutes();
        }
    }

    private void forgetExpiredMinutes() throws Exception {
        while (!minuteIds.buckets().isEmpty()
                && Minutes.maxTimestamp(minuteIds.buckets().first()) + horizonMillis <= watermark.watermark()) {
            long minute = minuteIds.buckets().first();
            minuteIds.forEachKey(minute, (clickId, listed) -> {
                listed.clear();
                remembered.remove(clickId);
            });
            minuteIds.forget(minute);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        minuteIds.snapshotState();
        watermark.snapshotState();
    }

    /** The index state of one slot. */
    static String slotStateName(int slot) {
        return TimeBucketSlots.slotName(SLOT_PREFIX, slot);
    }
}
