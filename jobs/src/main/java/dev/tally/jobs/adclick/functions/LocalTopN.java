package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * First stage of the two-stage top N: per subtask, keeps the N best {@link WindowSum}s of each
 * (filter, window size, window end) and emits them as {@link TopCandidates} once the watermark
 * reaches the window's end - 1.
 *
 * <p>Groups not yet emitted at a checkpoint go into operator list state, so a restore loses none.
 */
public class LocalTopN extends AbstractStreamOperator<TopCandidates>
        implements OneInputStreamOperator<WindowSum, TopCandidates>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** Entries of the recently used groups' table; a power of two. */
    private static final int RECENT = 1024;

    private final int n;

    /**
     * Open groups: filters x window sizes x pending window ends (a few hundred with a 60-minute
     * window); the watermark sorts the few it closes.
     */
    private transient HashMap<Group, BoundedTopN> groups;

    /**
     * A direct-mapped cache of the open groups, by {@link #recentIndex} of (window end, filter, window
     * size): a few hundred groups in {@link #RECENT} entries mostly hit, so a sum finds its group
     * without a key object or a hash map lookup, in whatever order the rolling sums emit.
     */
    private transient Group[] recentGroups;

    private transient BoundedTopN[] recentTops;

    private transient ListState<TopCandidates> unflushed;

    public LocalTopN(int n) {
        this.n = BoundedTopN.checkSize(n);
    }

    // Operator (non-keyed) state can only be obtained here, not in open().
    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        unflushed =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "unflushed-top-candidates", TopCandidates.class));
        groups = new HashMap<>();
        recentGroups = new Group[RECENT];
        recentTops = new BoundedTopN[RECENT];
        if (context.isRestored()) {
            for (TopCandidates restored : unflushed.get()) {
                BoundedTopN top = groupFor(restored.filterId, restored.windowMinutes, restored.windowEnd);
                for (AdTotal ad : restored.ads) {
                    top.offer(ad);
                }
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<TopCandidates> pending = new ArrayList<>(groups.size());
        for (Map.Entry<Group, BoundedTopN> entry : groups.entrySet()) {
            pending.add(toCandidates(entry.getKey(), entry.getValue()));
        }
        unflushed.update(pending);
    }

    @Override
    public void processElement(StreamRecord<WindowSum> element) {
        WindowSum sum = element.getValue();
        int i = recentIndex(sum.windowEnd, sum.filterId, sum.windowMinutes);
        Group recent = recentGroups[i];
        BoundedTopN top;
        if (recent != null
                && recent.windowEnd == sum.windowEnd
                && recent.filterId == sum.filterId
                && recent.windowMinutes == sum.windowMinutes) {
            top = recentTops[i];
        } else {
            Group group = new Group(sum.windowEnd, sum.filterId, sum.windowMinutes);
            top = groups.computeIfAbsent(group, g -> new BoundedTopN(n));
            recentGroups[i] = group;
            recentTops[i] = top;
        }
        top.offer(sum.adId, sum.sum);
    }

    private static int recentIndex(long windowEnd, int filterId, int windowMinutes) {
        return Group.hash(windowEnd, filterId, windowMinutes) & (RECENT - 1);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        List<Group> closed = new ArrayList<>();
        for (Group group : groups.keySet()) {
            if (group.windowEnd - 1 <= watermark) {
                closed.add(group);
            }
        }
        emitInOrder(closed);
        super.processWatermark(mark);
    }

    @Override
    public void endInput() {
        emitInOrder(new ArrayList<>(groups.keySet()));
    }

    /** Emits and forgets these groups, earliest window end first. */
    private void emitInOrder(List<Group> closed) {
        if (closed.isEmpty()) {
            return;
        }
        Arrays.fill(recentGroups, null);
        Arrays.fill(recentTops, null);
        Collections.sort(closed);
        for (Group group : closed) {
            emit(group, groups.remove(group));
        }
    }

    private BoundedTopN groupFor(int filterId, int windowMinutes, long windowEnd) {
        return groups.computeIfAbsent(
                new Group(windowEnd, filterId, windowMinutes), g -> new BoundedTopN(n));
    }

    private void emit(Group group, BoundedTopN top) {
        output.collect(new StreamRecord<>(toCandidates(group, top), group.windowEnd - 1));
    }

    private static TopCandidates toCandidates(Group group, BoundedTopN top) {
        return new TopCandidates(group.filterId, group.windowMinutes, group.windowEnd, top.sorted());
    }

    /** Number of groups waiting for the watermark. */
    int pendingGroups() {
        return groups.size();
    }

    private record Group(long windowEnd, int filterId, int windowMinutes)
            implements Comparable<Group> {
        @Override
        public int compareTo(Group other) {
            int byEnd = Long.compare(windowEnd, other.windowEnd);
            if (byEnd != 0) {
                return byEnd;
            }
            int byFilter = Integer.compare(filterId, other.filterId);
            return byFilter != 0 ? byFilter : Integer.compare(windowMinutes, other.windowMinutes);
        }

        // The record's own hash keeps the low bits of minute-aligned window ends equal, which piled
        // groups into a few buckets.
        @Override
        public int hashCode() {
            return hash(windowEnd, filterId, windowMinutes);
        }

        static int hash(long windowEnd, int filterId, int windowMinutes) {
            long h = ((windowEnd / Minutes.MILLIS) * 31 + filterId) * 31 + windowMinutes;
            h *= 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29));
        }
    }
}
