package dev.tally.loadgen;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Test operator: passes records through, and in the job's first attempt throws once some records after
 * a checkpoint has completed, so recovery from that checkpoint is exercised. Until then it slows the
 * stream a little, so a bounded input cannot end before the first checkpoint. Leaves a marker file
 * when it throws, so the test knows the failure happened.
 */
final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private final String marker;
    private final int recordsAfterCheckpoint;
    private transient boolean firstAttempt;
    private transient boolean checkpointed;
    private transient long seen;
    private transient long seenAfterCheckpoint;

    FailOnceAfterCheckpoint(Path marker, int recordsAfterCheckpoint) {
        this.marker = marker.toString();
        this.recordsAfterCheckpoint = recordsAfterCheckpoint;
    }

    @Override
    public void open(OpenContext openContext) {
        firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
    }

    @Override
    public T map(T value) throws Exception {
        if (firstAttempt) {
            seen++;
            if (!checkpointed && seen % 20 == 0) {
                Thread.sleep(1);
            }
            // Whichever subtask gets there first (with one input partition, only one reads anything).
            if (checkpointed && ++seenAfterCheckpoint == recordsAfterCheckpoint && !Files.exists(Path.of(marker))) {
                Files.writeString(Path.of(marker), "failed after " + seen + " records");
                throw new IllegalStateException("Injected failure after a completed checkpoint");
            }
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
