package dev.tally.jobs.leaderboard.functions;

import dev.tally.schema.leaderboard.MatchResult;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * A player in a tournament, {@code game#yyyy-MM#user_id}: unambiguous since a game holds no '#'
 * (the validator rejects one that does).
 */
public final class PlayerKey implements KeySelector<MatchResult, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(MatchResult result) {
        return Tournaments.of(result.getGame(), result.getTs()) + "#" + result.getUserId();
    }
}
