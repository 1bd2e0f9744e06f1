package dev.tally.loadgen.leaderboard;

import dev.tally.loadgen.kit.JobDemo;
import dev.tally.loadgen.kit.JobTools;

/** The leaderboard job's load generator, verifier and demo. */
public final class LeaderboardTools implements JobTools {

    @Override
    public String job() {
        return "leaderboard";
    }

    @Override
    public Object loadgenCommand() {
        return new LeaderboardLoadgenCommand();
    }

    @Override
    public Object verifyCommand() {
        return new LeaderboardVerifyCommand();
    }

    @Override
    public JobDemo demo() {
        return new LeaderboardDemo();
    }
}
