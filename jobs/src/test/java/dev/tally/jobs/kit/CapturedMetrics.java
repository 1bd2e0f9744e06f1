package dev.tally.jobs.kit;

import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/** A task metric group that hands every operator one intercepting group, so tests read counters. */
public final class CapturedMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {

    private final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(
            OperatorID operatorId, String name, Map<String, String> additionalVariables) {
        return operator;
    }

    /** A mock task environment reporting its operators' metrics here. */
    public MockEnvironment environment() {
        return new MockEnvironmentBuilder().setMetricGroup(this).build();
    }

    /** The count of the operator counter {@code name}. */
    public long count(String name) {
        Counter counter = (Counter) operator.get(name);
        if (counter == null) {
            throw new AssertionError("no counter '" + name + "' was registered");
        }
        return counter.getCount();
    }
}
