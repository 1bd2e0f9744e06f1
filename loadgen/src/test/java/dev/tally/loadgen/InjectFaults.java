package dev.tally.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Test operator for the job's first attempt: passes records through a little slowed down, fails
 * checkpoints {@code failFrom} to {@code failTo} (their snapshot throws), and throws once when a
 * signal file appears, so a test can time a restart (right after a top-N write, say). Each fault
 * leaves a marker file in {@code dir}.
 */
final class InjectFaults<T> extends RichMapFunction<T, T> implements CheckpointedFunction {

    static final String SIGNAL = "restart-now";

    private final String dir;
    private final long failFrom;
    private final long failTo;
    private transient boolean firstAttempt;
    private transient boolean subtaskZero;
    private transient long seen;

    InjectFaults(Path dir, long failFrom, long failTo) {
        this.dir = dir.toString();
        this.failFrom = failFrom;
        this.failTo = failTo;
    }

    @Override
    public void open(OpenContext openContext) {
        firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
        subtaskZero = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    @Override
    public T map(T value) throws Exception {
        if (firstAttempt) {
            if (++seen % 20 == 0) {
                Thread.sleep(1);
            }
            Path failed = Path.of(dir, "restarted");
            if (subtaskZero && Files.exists(Path.of(dir, SIGNAL)) && !Files.exists(failed)) {
                Files.writeString(failed, "after " + seen + " records");
                throw new IllegalStateException("Injected failure on signal");
            }
        }
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws IOException {
        long id = context.getCheckpointId();
        if (firstAttempt && subtaskZero && id >= failFrom && id <= failTo) {
            Files.writeString(Path.of(dir, "checkpoint-" + id + "-failed"), "");
            throw new IOException("Injected failure of checkpoint " + id);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
}
