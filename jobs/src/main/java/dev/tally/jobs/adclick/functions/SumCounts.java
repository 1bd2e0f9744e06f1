package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds up the partial counts of one (ad, filter or country) in one 1-minute window. */
public class SumCounts implements AggregateFunction<ClickCount, Long, Long> {

    private static final long serialVersionUID = 1L;

    @Override
    public Long createAccumulator() {
        return 0L;
    }

    @Override
    public Long add(ClickCount partial, Long accumulator) {
        return accumulator + partial.count;
    }

    @Override
    public Long getResult(Long accumulator) {
        return accumulator;
    }

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }
}
