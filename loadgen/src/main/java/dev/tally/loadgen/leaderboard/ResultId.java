package dev.tally.loadgen.leaderboard;

import dev.tally.schema.leaderboard.MatchResult;

/**
 * What tells one result record from another: the job deduplicates on (match_id, user_id) and keeps the
 * highest revision. The verifier compares the late topic with the injected late records by this identity.
 */
public record ResultId(String matchId, String userId, int revision) {

    public static ResultId of(MatchResult result) {
        return new ResultId(result.getMatchId(), result.getUserId(), result.getRevision());
    }
}
