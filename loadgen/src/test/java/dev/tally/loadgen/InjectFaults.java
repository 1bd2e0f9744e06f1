package dev.tally.loadgen;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Test operator: in the job's first attempt it passes records through a little slowed down and makes
 * checkpoints {@code failFrom} to {@code failTo} fail by taking longer than the checkpoint timeout
 * (an exception in a snapshot would fail the task, not the checkpoint); and it throws once when a
 * signal file appears, so a test can time a restart (right after a top-N write, say). Each fault
 * leaves a marker file in {@code dir}.
 */
final class InjectFaults<T> extends RichMapFunction<T, T> implements CheckpointedFunction {

    static final String SIGNAL = "restart-now";

    private final String dir;
    private final long failFrom;
    private final long failTo;
    private final long stallMillis;
    private transient boolean firstAttempt;
    private transient boolean subtaskZero;
    private transient long seen;

    InjectFaults(Path dir, long failFrom, long failTo, long stallMillis) {
        this.dir = dir.toString();
        this.failFrom = failFrom;
        this.failTo = failTo;
        this.stallMillis = stallMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
        subtaskZero = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    @Override
    public T map(T value) throws Exception {
        seen++;
        if (firstAttempt && seen % 5 == 0) {
            Thread.sleep(1);
        }
        if (subtaskZero && seen % 100 == 0) {
            Path restarted = Path.of(dir, "restarted");
            if (Files.exists(Path.of(dir, SIGNAL)) && !Files.exists(restarted)) {
                Files.writeString(restarted, "after " + seen + " records");
                throw new IllegalStateException("Injected failure on signal");
            }
        }
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        long id = context.getCheckpointId();
        if (firstAttempt && subtaskZero && id >= failFrom && id <= failTo) {
            Files.writeString(Path.of(dir, "checkpoint-" + id + "-failed"), "");
            Thread.sleep(stallMillis);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
}
