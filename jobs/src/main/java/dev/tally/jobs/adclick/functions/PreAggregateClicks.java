package dev.tally.jobs.adclick.functions;

import dev.tally.schema.adclick.AdClickEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Pre-aggregates clicks per subtask into partial {@link ClickCount}s (per filter and per country)
 * before the shuffle, so a hot ad costs one record per minute instead of one per click.
 *
 * <p>Partials are emitted when the watermark closes their minute, at end of input, and when the map
 * outgrows {@code maxEntries}; stamped with the minute's max timestamp, so the 1-minute window adds
 * them up. A checkpoint stores the open partials in operator list state rather than flushing them:
 * a flush per checkpoint sent each busy key downstream every interval, where it cost a keyed state
 * update and a timer each time. Any subtask may emit any partial, because the keyed window sums
 * them, so the list may be redistributed freely on rescaling.
 */
public class PreAggregateClicks extends AbstractStreamOperator<ClickCount>
        implements OneInputStreamOperator<AdClickEvent, ClickCount>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final ClickFilters filters;
    private final int maxEntries;

    private transient Map<PartialKey, MutableCount> partials;
    private transient ListState<ClickCount> checkpointed;
    /** Reused for lookups so the hot path allocates only when a new key appears. */
    private transient PartialKey probe;

    private transient int[] matchedFilters;
    /** Lets most watermarks skip the scan: nothing can be due before this minute closes. */
    private transient long earliestMinute;

    private transient StreamRecord<ClickCount> reuse;

    public PreAggregateClicks(ClickFilters filters) {
        this(filters, DEFAULT_MAX_ENTRIES);
    }

    public PreAggregateClicks(ClickFilters filters, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        this.filters = Objects.requireNonNull(filters, "filters");
        this.maxEntries = maxEntries;
    }

    @Override
    public void open() throws Exception {
        super.open();
        matchedFilters = filters.newMatchBuffer();
        reuse = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<AdClickEvent> element) {
        AdClickEvent click = element.getValue();
        String adId = click.getAdId();
        long minute = Minutes.start(click.getClickTs());
        int matched = filters.matchCount(click, matchedFilters);
        for (int i = 0; i < matched; i++) {
            add(adId, matchedFilters[i], "", minute, 1);
        }
        String country = click.getCountry();
        add(adId, ClickCount.COUNTRY_DIMENSION, country == null ? "" : country, minute, 1);
        if (partials.size() > maxEntries) {
            emitAll();
        }
    }

    private void add(String adId, int filterId, String country, long minute, long clicks) {
        MutableCount count = partials.get(probe.set(adId, filterId, country, minute));
        if (count == null) {
            count = new MutableCount();
            partials.put(probe.copy(), count);
            earliestMinute = Math.min(earliestMinute, minute);
        }
        count.value += clicks;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        if (earliestMinute != Long.MAX_VALUE && Minutes.maxTimestamp(earliestMinute) <= watermark) {
            emitClosedMinutes(watermark);
        }
        super.processWatermark(mark);
    }

    // Operator (non-keyed) state can only be obtained here, not in open().
    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("open-partial-counts", ClickCount.class));
        partials = new HashMap<>();
        probe = new PartialKey();
        earliestMinute = Long.MAX_VALUE;
        if (context.isRestored()) {
            for (ClickCount partial : checkpointed.get()) {
                add(partial.adId, partial.filterId, partial.country, partial.minute, partial.count);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<ClickCount> open = new ArrayList<>(partials.size());
        for (Map.Entry<PartialKey, MutableCount> entry : partials.entrySet()) {
            PartialKey key = entry.getKey();
            open.add(new ClickCount(key.adId, key.filterId, key.country, key.minute, entry.getValue().value));
        }
        checkpointed.update(open);
    }

    @Override
    public void endInput() {
        emitAll();
    }

    /** Emits the partials of every minute whose window the watermark has reached. */
    private void emitClosedMinutes(long watermark) {
        long stillOpen = Long.MAX_VALUE;
        Iterator<Map.Entry<PartialKey, MutableCount>> it = partials.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<PartialKey, MutableCount> entry = it.next();
            long minute = entry.getKey().minute;
            if (Minutes.maxTimestamp(minute) <= watermark) {
                emit(entry.getKey(), entry.getValue());
                it.remove();
            } else {
                stillOpen = Math.min(stillOpen, minute);
            }
        }
        earliestMinute = stillOpen;
    }

    private void emitAll() {
        for (Map.Entry<PartialKey, MutableCount> entry : partials.entrySet()) {
            emit(entry.getKey(), entry.getValue());
        }
        partials.clear();
        earliestMinute = Long.MAX_VALUE;
    }

    private void emit(PartialKey key, MutableCount count) {
        ClickCount partial = new ClickCount(key.adId, key.filterId, key.country, key.minute, count.value);
        output.collect(reuse.replace(partial, Minutes.maxTimestamp(key.minute)));
    }

    /** Number of partial counts held. */
    int size() {
        return partials.size();
    }

    /** Mutable so one instance serves every lookup; stored keys are copies and never mutated. */
    private static final class PartialKey {
        String adId;
        int filterId;
        String country;
        long minute;

        PartialKey set(String adId, int filterId, String country, long minute) {
            this.adId = adId;
            this.filterId = filterId;
            this.country = country;
            this.minute = minute;
            return this;
        }

        PartialKey copy() {
            return new PartialKey().set(adId, filterId, country, minute);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof PartialKey)) {
                return false;
            }
            PartialKey that = (PartialKey) o;
            return filterId == that.filterId
                    && minute == that.minute
                    && adId.equals(that.adId)
                    && country.equals(that.country);
        }

        @Override
        public int hashCode() {
            int h = adId.hashCode();
            h = 31 * h + filterId;
            h = 31 * h + country.hashCode();
            h = 31 * h + Long.hashCode(minute);
            // Hashes of fixed-width ids like "ad0001234" form a lattice that piles into few buckets of
            // a power-of-two table (the profile showed treeified bins, slow for keys that are not
            // Comparable). MurmurHash3's finalizer spreads every input bit over the low bits that pick
            // the bucket; a plain multiply-and-shift did not, as HashMap's own (h ^ h >>> 16) undid it.
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
            h *= 0xC2B2AE35;
            return h ^ (h >>> 16);
        }
    }

    private static final class MutableCount {
        long value;
    }
}
