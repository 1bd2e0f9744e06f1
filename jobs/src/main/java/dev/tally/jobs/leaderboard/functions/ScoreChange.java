package dev.tally.jobs.leaderboard.functions;

/**
 * A player's score as last emitted and as now, from the per-player stage: the player's rows take the
 * new score (one coalesced change per watermark advance), and the tournament's histogram moves the
 * player from the old score to the new while the top list re-places it (one change per result, as of
 * its publication, {@link ApplyResults#STANDINGS}).
 */
public final class ScoreChange {

    /** {@link #previousScore} of a player not emitted before. */
    public static final long NEW_PLAYER = -1;

    public String tournament;
    public String userId;
    public long previousScore;
    /** reached_at as last emitted (in a standings change: as last placed); meaningless for a new player. */
    public long previousReachedAt;

    public long score;
    public long reachedAt;
    /**
     * The time from which the tournament's standings hold this change: the publication time of the
     * result that made it (see {@link ApplyResults}), never before the player's previous change.
     */
    public long asOf;
    /** When the tournament's month ends (event time). */
    public long tournamentEnd;
    /**
     * The write timestamp of this emission's rows that a later one must overwrite (the order table's):
     * strictly increasing over the player's emissions, across restores too. In a standings change,
     * the order of the player's changes of the same {@link #asOf}.
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
            long asOf,
            long tournamentEnd,
            long writeMicros) {
        this.tournament = tournament;
        this.userId = userId;
        this.previousScore = previousScore;
        this.previousReachedAt = previousReachedAt;
        this.score = score;
        this.reachedAt = reachedAt;
        this.asOf = asOf;
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
