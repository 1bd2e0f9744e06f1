package dev.tally.jobs.kit.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The watermark up to which an operator that emits on watermarks has emitted, kept across restores
 * so that it does not emit again what it had emitted before the checkpoint. Dedup keeps the
 * watermark of its late test here too, as does every keyed function whose late test must hold from a
 * restore's first record on: after a restore the timer service's watermark is {@code Long.MIN_VALUE}
 * until the sources emit one, and a record judged by it could reopen state that was already dropped.
 *
 * <p>Union operator state holding every subtask's watermark. With unaligned checkpoints the subtasks'
 * watermarks at a checkpoint differ, so a restore must pick one of them, whether or not it rescales:
 * a subtask cannot tell which keys came from which old subtask.
 *
 * <ul>
 *   <li>{@link #lowestRestored()}, for operators that emit on watermarks: what any old subtask had not
 *       emitted yet is emitted again, here from every subtask. The operators using this emit results
 *       that replace, never add to, what they emitted before.
 *   <li>{@link #highestRestored()}, for dedup's late test: a click is late if it was late for any old
 *       subtask. Downstream subtasks are never ahead of the highest, and one that was as far has
 *       dropped the click's minute; a count started again there from this click would replace the
 *       full count.
 * </ul>
 */
public final class EmittedThrough {

    private static final String STATE_NAME = "emitted-through";

    private final boolean restoreHighest;
    private ListState<Long> checkpointed;
    private long watermark = Long.MIN_VALUE;

    private EmittedThrough(boolean restoreHighest) {
        this.restoreHighest = restoreHighest;
    }

    public static EmittedThrough lowestRestored() {
        return new EmittedThrough(false);
    }

    public static EmittedThrough highestRestored() {
        return new EmittedThrough(true);
    }

    /** From the operator's or the function's {@code initializeState}. */
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed =
                context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(STATE_NAME, Types.LONG));
        watermark = Long.MIN_VALUE;
        if (context.isRestored()) {
            List<Long> restored = new ArrayList<>();
            checkpointed.get().forEach(restored::add);
            if (!restored.isEmpty()) {
                watermark = restoreHighest ? Collections.max(restored) : Collections.min(restored);
            }
        }
    }

    /** Everything due at this watermark or before has been emitted. */
    public long watermark() {
        return watermark;
    }

    /** Records that everything due at {@code next} has been emitted; watermarks never go back. */
    public void advance(long next) {
        watermark = Math.max(watermark, next);
    }

    /**
     * From a keyed function's {@code onTimer}: a timer at {@code timerTime} fired, so the watermark has
     * passed it, and the late test holds from there even if a checkpoint comes before the next record.
     * Not in BATCH mode, where each key's timers fire when its input ends (the watermark is then
     * {@code Long.MAX_VALUE}) and keys come one after another: the next key's records are not late
     * for the previous key's timers.
     */
    public void advanceOnTimer(long timerTime, long watermark) {
        if (watermark != Long.MAX_VALUE) {
            advance(timerTime);
        }
    }

    /** From the operator's {@code snapshotState}. */
    public void snapshotState() throws Exception {
        checkpointed.update(List.of(watermark));
    }
}
