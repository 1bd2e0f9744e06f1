package dev.tally.loadgen.adclick;

import dev.tally.loadgen.kit.JobDemo;
import dev.tally.loadgen.kit.JobTools;

/** The ad-click job's load generator, verifier and demo. */
public final class AdClickTools implements JobTools {

    @Override
    public String job() {
        return "ad-clicks";
    }

    @Override
    public Object loadgenCommand() {
        return new AdClickLoadgenCommand();
    }

    @Override
    public Object verifyCommand() {
        return new AdClickVerifyCommand();
    }

    @Override
    public JobDemo demo() {
        return new AdClickDemo();
    }
}
