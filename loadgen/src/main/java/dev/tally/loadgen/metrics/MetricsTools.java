package dev.tally.loadgen.metrics;

import dev.tally.loadgen.kit.JobDemo;
import dev.tally.loadgen.kit.JobTools;

/** The metrics job's load generator, verifier and demo. */
public final class MetricsTools implements JobTools {

    @Override
    public String job() {
        return "metrics";
    }

    @Override
    public Object loadgenCommand() {
        return new MetricsLoadgenCommand();
    }

    @Override
    public Object verifyCommand() {
        return new MetricsVerifyCommand();
    }

    @Override
    public JobDemo demo() {
        return new MetricsDemo();
    }
}
