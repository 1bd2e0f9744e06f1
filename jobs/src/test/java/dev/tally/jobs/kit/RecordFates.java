package dev.tally.jobs.kit;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;

/** A MiniCluster whose metrics outlive its jobs, and a job's {@link RecordFate} counters summed over operators and subtasks. */
public final class RecordFates {

    private RecordFates() {}

    /** One task manager with {@code slots}, reporting to {@code reporter}. */
    public static MiniClusterResourceConfiguration miniCluster(InMemoryReporter reporter, int slots) {
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(reporter.addToConfiguration(new Configuration()))
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build();
    }

    public static Map<RecordFate, Long> of(InMemoryReporter reporter, JobID job) {
        Map<RecordFate, Long> sums = new EnumMap<>(RecordFate.class);
        for (RecordFate fate : RecordFate.values()) {
            sums.put(fate, 0L);
        }
        for (var operator : reporter.findOperatorMetricGroups(job, ".*")) {
            reporter.getMetricsByGroup(operator).forEach((name, metric) -> {
                for (RecordFate fate : RecordFate.values()) {
                    if (name.equals(fate.metricName()) && metric instanceof Counter counter) {
                        sums.merge(fate, counter.getCount(), Long::sum);
                    }
                }
            });
        }
        return sums;
    }
}
