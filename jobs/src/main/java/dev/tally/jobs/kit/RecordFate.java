package dev.tally.jobs.kit;

import java.util.Locale;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * What became of a record that entered a job: every record is counted in exactly one fate, by the
 * operator that decides it, so that the four counters summed over a job's operators and subtasks
 * equal the records read, and nothing is lost without a trace. Invalid records are dead letters,
 * late ones go to the late topic, duplicates are dropped on purpose, accepted ones are counted.
 */
public enum RecordFate {
    ACCEPTED,
    DUPLICATE,
    LATE,
    INVALID;

    /** The operator metric of this fate, {@code records-accepted} and so on. */
    public String metricName() {
        return "records-" + name().toLowerCase(Locale.ROOT);
    }

    public Counter counter(MetricGroup operatorGroup) {
        return operatorGroup.counter(metricName());
    }
}
