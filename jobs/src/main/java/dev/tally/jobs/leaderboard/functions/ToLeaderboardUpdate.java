package dev.tally.jobs.leaderboard.functions;

import dev.tally.schema.leaderboard.LeaderboardUpdate;
import org.apache.flink.api.common.functions.MapFunction;

/** A player's emitted score as the record readers of {@code leaderboard-updates} and Cassandra get. */
public final class ToLeaderboardUpdate implements MapFunction<ScoreChange, LeaderboardUpdate> {

    private static final long serialVersionUID = 1L;

    @Override
    public LeaderboardUpdate map(ScoreChange change) {
        return new LeaderboardUpdate(change.tournament, change.userId, change.score, change.reachedAt);
    }
}
