package dev.tally.jobs.kit;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.util.TestingTaskManagerRuntimeInfo;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Operator harnesses on the job's state backends, for the tests that run on both. */
public final class HarnessState {

    private HarnessState() {}

    /** A task environment whose metrics land in {@code metrics} and whose RocksDB files go under {@code tmp}. */
    public static MockEnvironment environment(CapturedMetrics metrics, Path tmp) {
        return new MockEnvironmentBuilder()
                .setMetricGroup(metrics)
                // As in the job, so a snapshot can be split over two subtasks.
                .setMaxParallelism(128)
                .setTaskManagerRuntimeInfo(new TestingTaskManagerRuntimeInfo(
                        new Configuration(), new String[] {tmp.toString()}, "localhost", tmp.toFile()))
                .build();
    }

    /** Puts {@code harness} on "rocksdb" (files under {@code tmp}) or "hashmap" state. */
    public static void use(AbstractStreamOperatorTestHarness<?> harness, String backend, Path tmp) {
        if (backend.equals("rocksdb")) {
            EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend();
            rocksDb.setDbStoragePath(tmp.toString());
            harness.setStateBackend(rocksDb);
        } else {
            harness.setStateBackend(new HashMapStateBackend());
        }
    }
}
