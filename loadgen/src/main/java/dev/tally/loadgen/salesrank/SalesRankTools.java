package dev.tally.loadgen.salesrank;

import dev.tally.loadgen.kit.JobDemo;
import dev.tally.loadgen.kit.JobTools;

/** The sales-rank job's load generator, verifier and demo. */
public final class SalesRankTools implements JobTools {

    @Override
    public String job() {
        return "sales-rank";
    }

    @Override
    public Object loadgenCommand() {
        return new SalesRankLoadgenCommand();
    }

    @Override
    public Object verifyCommand() {
        return new SalesRankVerifyCommand();
    }

    @Override
    public JobDemo demo() {
        return new SalesRankDemo();
    }
}
