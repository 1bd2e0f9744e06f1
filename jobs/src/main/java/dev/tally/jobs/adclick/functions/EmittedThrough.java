package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;

import java.util.List;

/**
 * The watermark up to which an operator that emits on watermarks has emitted, kept across restores
 * so that it does not emit again what it had emitted before the checkpoint. Dedup keeps its
 * watermark here too, so that after a restore it calls late what the count window will drop.
 *
 * <p>Union operator state holding every subtask's watermark; a restore takes the lowest. After a
 * rescale a subtask cannot tell which keys came from which old subtask, so what any of them had
 * not emitted yet is emitted again, here from every subtask: the operators using this emit results
 * that replace, never add to, what they emitted before.
 */
final class EmittedThrough {

    private static final String STATE_NAME = "emitted-through";

    private ListState<Long> checkpointed;
    private long watermark = Long.MIN_VALUE;

    /** From the operator's {@code initializeState}. */
    void initializeState(StateInitializationContext context) throws Exception {
        checkpointed =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>(STATE_NAME, Types.LONG));
        watermark = Long.MIN_VALUE;
        if (context.isRestored()) {
            long lowest = Long.MAX_VALUE;
            for (Long restored : checkpointed.get()) {
                lowest = Math.min(lowest, restored);
            }
            watermark = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
        }
    }

    /** Everything due at this watermark or before has been emitted. */
    long watermark() {
        return watermark;
    }

    /** Records that everything due at {@code next} has been emitted; watermarks never go back. */
    void advance(long next) {
        watermark = Math.max(watermark, next);
    }

    /** From the operator's {@code snapshotState}. */
    void snapshotState() throws Exception {
        checkpointed.update(List.of(watermark));
    }
}
