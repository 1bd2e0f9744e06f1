package dev.tally.jobs.leaderboard.functions;

/** What a player's state keeps beyond the matches in the horizon: sums, times and what was emitted. */
public final class PlayerTotals {

    public long score;
    /** The latest ts of an effective result with points, forgotten ones included; MIN_VALUE without. */
    public long latestScoringTs = Long.MIN_VALUE;
    /** The same over the forgotten matches only: what a rescan of the remembered ones starts from. */
    public long latestForgottenScoringTs = Long.MIN_VALUE;
    public long earliestTs = Long.MAX_VALUE;
    public long latestTs = Long.MIN_VALUE;
    /** When the next remembered match is forgotten (event time). */
    public long nextForget = Long.MAX_VALUE;
    public long emittedScore = ScoreChange.NEW_PLAYER;
    public long emittedReachedAt = Long.MIN_VALUE;
    /** A flush timer is registered for a change not yet emitted. */
    public boolean pending;

    public PlayerTotals() {}

    /** When the player first reached its score: the latest scoring result, or its first result at score 0. */
    public long reachedAt() {
        return latestScoringTs != Long.MIN_VALUE ? latestScoringTs : earliestTs;
    }

    public boolean changedSinceEmitted() {
        return score != emittedScore || reachedAt() != emittedReachedAt;
    }
}
