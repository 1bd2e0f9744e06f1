package dev.tally.jobs.leaderboard.functions;

/**
 * A player's score as last emitted and as now, from the per-player stage to its tournament's: the
 * histogram moves the player from the old score to the new, the top list re-places it.
 */
public final class ScoreChange {

    /** {@link #previousScore} of a player not emitted before. */
    public static final long NEW_PLAYER = -1;

    public String tournament;
    public String userId;
    public long previousScore;
    /** reached_at as last emitted; meaningless for a new player. */
    public long previousReachedAt;

    public long score;
    public long reachedAt;
    /** The latest event time of the player's applied results: the tournament's lists are as of the latest. */
    public long latestTs;
    /** When the tournament's month ends (event time). */
    public long tournamentEnd;
    /**
     * The write timestamp of this emission's rows that a later one must overwrite (the order table's):
     * strictly increasing over the player's emissions, across restores too.
     */
    public long writeMicros;

    public ScoreChange() {}

    public ScoreChange(
            String tournament,
            String userId,
            long previousScore,
            long previousReachedAt,
            long score,
            long reachedAt,
            long latestTs,
            long tournamentEnd,
            long writeMicros) {
        this.tournament = tournament;
        this.userId = userId;
        this.previousScore = previousScore;
        this.previousReachedAt = previousReachedAt;
        this.score = score;
        this.reachedAt = reachedAt;
        this.latestTs = latestTs;
        this.tournamentEnd = tournamentEnd;
        this.writeMicros = writeMicros;
    }

    public boolean isNewPlayer() {
        return previousScore == NEW_PLAYER;
    }

    @Override
    public String toString() {
        return tournament + "/" + userId + ": " + previousScore + " -> " + score + " @" + reachedAt;
    }
}
