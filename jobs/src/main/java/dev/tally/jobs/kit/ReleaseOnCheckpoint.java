package dev.tally.jobs.kit;

import dev.tally.connectors.cassandra.ResultTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Holds the rows bound for a Cassandra table until the checkpoint after them completes, the newest
 * of each row only, and then passes them on to the table's sink: the table then only ever holds
 * states of completed checkpoints, as the Kafka outputs (transactions) do.
 *
 * <p>Needed where a job writes a row only when it changed, and how much one write coalesces depends
 * on when watermarks come (the leaderboard). Written at once, a failed attempt's rows of states
 * after its last checkpoint stay when the attempt that restores it coalesces past them: a score
 * corrected back, a histogram row of a score a player only passed through (LeaderboardJobITCase on
 * one partition showed both). Rows of a checkpoint are in its state until passed on, so a restore
 * passes them on again (the same values, idempotent). Without checkpoints (BATCH execution, a replay)
 * rows pass at once; at the end of bounded input everything held passes, since the input's final
 * state is then reached.
 *
 * <p>Rows appear one checkpoint interval later than they would; the job's Kafka outputs already do.
 */
public final class ReleaseOnCheckpoint<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final ResultTable<T> table;
    private final TypeInformation<T> type;

    /** Since the last checkpoint, newest per row key. */
    private transient Map<List<Object>, Pending<T>> open;
    /** Per checkpoint id, the rows of the checkpoints not yet known complete. */
    private transient TreeMap<Long, List<T>> held;

    private transient ListState<Tuple2<Long, T>> state;
    private transient boolean passThrough;

    public ReleaseOnCheckpoint(ResultTable<T> table, TypeInformation<T> type) {
        this.table = table;
        this.type = type;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("held-rows", new TupleTypeInfo<>(Types.LONG, type)));
        open = new LinkedHashMap<>();
        held = new TreeMap<>();
        for (Tuple2<Long, T> row : state.get()) {
            held.computeIfAbsent(row.f0, id -> new ArrayList<>()).add(row.f1);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        passThrough = !CheckpointingOptions.isCheckpointingEnabled(
                getContainingTask().getEnvironment().getJobConfiguration());
        // Rows of a restored checkpoint, which completed: possibly never passed on before the failure.
        releaseThrough(Long.MAX_VALUE);
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        if (passThrough) {
            output.collect(element);
            return;
        }
        T row = element.getValue();
        List<Object> key = Arrays.asList(table.key(row));
        Pending<T> pending = open.get(key);
        if (pending == null) {
            open.put(key, new Pending<>(row, !table.removes(row)));
        } else {
            pending.newest = row;
        }
    }

    /**
     * A row's newest record since the last checkpoint, and whether its first one created it. A row
     * created and removed again since the last checkpoint was never written and is not: no tombstone
     * for it. For tables whose records of a row alternate, creation then removal (ResultTable.removes),
     * as the leaderboard's order table's do: a first creation means the row was absent before.
     */
    private static final class Pending<T> {
        T newest;
        final boolean createdHere;

        Pending(T newest, boolean createdHere) {
            this.newest = newest;
            this.createdHere = createdHere;
        }
    }

    /** The open rows to write: the newest of each, but none of a row created and removed since the last checkpoint. */
    private List<T> openRows() {
        List<T> rows = new ArrayList<>(open.size());
        for (Pending<T> pending : open.values()) {
            if (!(pending.createdHere && table.removes(pending.newest))) {
                rows.add(pending.newest);
            }
        }
        return rows;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!open.isEmpty()) {
            held.put(context.getCheckpointId(), openRows());
            open.clear();
        }
        List<Tuple2<Long, T>> rows = new ArrayList<>();
        held.forEach((id, ofCheckpoint) -> ofCheckpoint.forEach(row -> rows.add(Tuple2.of(id, row))));
        state.update(rows);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        releaseThrough(checkpointId);
    }

    @Override
    public void endInput() {
        releaseThrough(Long.MAX_VALUE);
        openRows().forEach(row -> output.collect(new StreamRecord<>(row)));
        open.clear();
    }

    private void releaseThrough(long checkpointId) {
        while (!held.isEmpty() && held.firstKey() <= checkpointId) {
            held.pollFirstEntry().getValue().forEach(row -> output.collect(new StreamRecord<>(row)));
        }
    }
}
