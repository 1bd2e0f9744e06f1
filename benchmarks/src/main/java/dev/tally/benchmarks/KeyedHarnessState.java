package dev.tally.benchmarks;

import java.io.File;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.util.TestingTaskManagerRuntimeInfo;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.FileUtils;

/** The task environment and state backends a keyed operator gets in the job, for the harnesses. */
public final class KeyedHarnessState {

    /**
     * RocksDB's share of managed memory in the job: flink-conf gave a 4 GB TaskManager ~1.37 GB
     * managed memory over 2 slots, which the job's 4 keyed stateful operators in a slot split (since
     * the 4-slot TaskManager, ~2.45 GB over 4 slots: 9% less per slot; kept, so JMH figures compare). The
     * harness's default of 3 MB would have RocksDB flush and miss its cache on nearly every access.
     */
    public static final long MANAGED_MEMORY_BYTES = 1372L * 1024 * 1024 / 2 / 4;

    private KeyedHarnessState() {}

    /** One subtask owning every key group, with RocksDB's files (and native library) under {@code tmpDir}. */
    public static MockEnvironment environment(String taskName, File tmpDir) {
        return new MockEnvironmentBuilder()
                .setTaskName(taskName)
                .setManagedMemorySize(MANAGED_MEMORY_BYTES)
                // The default max parallelism.
                .setMaxParallelism(128)
                .setTaskManagerRuntimeInfo(new TestingTaskManagerRuntimeInfo(
                        new Configuration(), new String[] {tmpDir.getPath()}, "localhost", tmpDir))
                .build();
    }

    /**
     * "hashmap", or "rocksdb" as in flink-conf: managed memory, timers in RocksDB too (the default);
     * "rocksdb-heap-timers": the same with the timers on the heap.
     */
    public static StateBackend backend(String name, File tmpDir) {
        return switch (name) {
            case "hashmap" -> new HashMapStateBackend();
            case "rocksdb", "rocksdb-heap-timers" -> {
                EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend();
                rocksDb.setDbStoragePath(tmpDir.getPath());
                if (name.equals("rocksdb-heap-timers")) {
                    rocksDb.setPriorityQueueStateType(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
                }
                yield rocksDb;
            }
            default -> throw new IllegalArgumentException("unknown state backend " + name);
        };
    }

    /** Closes a harness and its environment, then deletes {@code tmpDir} (RocksDB's files) whatever happened. */
    public static void close(AbstractStreamOperatorTestHarness<?> harness, MockEnvironment environment, File tmpDir)
            throws Exception {
        try {
            harness.close();
            environment.close();
        } finally {
            FileUtils.deleteDirectory(tmpDir);
        }
    }
}
