package dev.tally.jobs.leaderboard.functions;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Holds the players' changes for the standings ({@link ApplyResults#STANDINGS}), chained to the
 * per-player stage, until the watermark passes their as-of time (or their tournament's close), and
 * passes them on just before that watermark, in no particular order: the standings can then apply
 * nearly every change at the watermark step it arrives with, instead of keeping it waiting in their
 * keyed state.
 *
 * <p>An operator, not a keyed function, for speed (BENCHMARKS.md, the leaderboard's throughput): the
 * waiting changes kept in the standings' list state, read whole and rewritten at every watermark step
 * while they wait, took most of that stage's time; a change queued in the player's row with a timer
 * at its as-of time cost the per-player stage more than that (a RocksDB timer and a second read and
 * write of the row per change). Here a change waits on the heap of the subtask that made it, and only
 * the checkpoint writes the ones waiting (operator state: after a rescale any subtask may pass one on,
 * and the standings order them by as-of time). How many wait is bounded by how far the subtask's
 * watermark is behind the changes it makes: the out-of-orderness plus a watermark interval on live
 * input, more while a backlog is read with one partition ahead, or while a stalled partition holds
 * the watermark until its idleness.
 */
public final class HoldUntilDue extends AbstractStreamOperator<ScoreChange>
        implements OneInputStreamOperator<ScoreChange, ScoreChange> {

    private static final long serialVersionUID = 1L;

    private final long horizonMillis;

    /** The changes held since the last watermark, in arrival order: nearly in as-of order. */
    private transient List<ScoreChange> arrived;
    /**
     * The changes held from before, as one run per watermark at which they were held, each sorted by
     * the time it is due: a release takes the due beginning of each run. The standings order what
     * they get by as-of time, so the runs need no merging: a change is sorted once, as part of a
     * nearly sorted run, where a priority queue over all of them cost a sixth of the per-player
     * subtask's profile samples in comparisons.
     */
    private transient ArrayDeque<ArrayDeque<ScoreChange>> runs;

    private transient ListState<ScoreChange> state;
    private transient long watermark;
    private transient boolean passThrough;

    public HoldUntilDue(Duration correctionHorizon) {
        this.horizonMillis = correctionHorizon.toMillis();
    }

    /**
     * When the standings can apply the change: at its as-of time, or when its tournament closes if
     * that is sooner (a correction published after the close still counts, in the close's list).
     */
    private long dueAt(ScoreChange change) {
        return Math.min(change.asOf, change.tournamentEnd + horizonMillis);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore()
                .getListState(
                        new ListStateDescriptor<>("held-standings-changes", TypeInformation.of(ScoreChange.class)));
        arrived = new ArrayList<>();
        runs = new ArrayDeque<>();
        watermark = Long.MIN_VALUE;
        for (ScoreChange change : state.get()) {
            arrived.add(change);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        // Without checkpoints (BATCH execution, a replay) the one watermark comes at the end of the
        // input: holding would keep every change of the replay on the heap for nothing.
        passThrough = !CheckpointingOptions.isCheckpointingEnabled(
                getContainingTask().getEnvironment().getJobConfiguration());
    }

    @Override
    public void processElement(StreamRecord<ScoreChange> element) {
        // Kept across calls although objects are reused: ApplyResults makes a new change for every output.
        ScoreChange change = element.getValue();
        if (passThrough || dueAt(change) <= watermark) {
            // Behind the watermark already (published before it; the standings count it as such), or
            // nothing to wait for.
            output.collect(element.replace(change, change.asOf));
        } else {
            arrived.add(change);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        release(watermark);
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<ScoreChange> held = new ArrayList<>(arrived);
        runs.forEach(held::addAll);
        state.update(held);
    }

    private void release(long through) {
        if (!arrived.isEmpty()) {
            arrived.sort(Comparator.comparingLong(this::dueAt));
            runs.add(new ArrayDeque<>(arrived));
            arrived = new ArrayList<>();
        }
        for (Iterator<ArrayDeque<ScoreChange>> it = runs.iterator(); it.hasNext(); ) {
            ArrayDeque<ScoreChange> run = it.next();
            while (!run.isEmpty() && dueAt(run.peekFirst()) <= through) {
                ScoreChange change = run.pollFirst();
                output.collect(new StreamRecord<>(change, change.asOf));
            }
            if (run.isEmpty()) {
                it.remove();
            }
        }
    }
}
