package dev.tally.jobs.leaderboard.functions;

/**
 * A player's row in the order table: where it stands among the players of its score ({@code
 * reached_at}, then {@code user_id}), or, with {@code present = false}, a place it left. The write
 * timestamp orders the writes of one player, so its last position wins in any arrival order.
 */
public final class PlayerPosition {

    public String tournament;
    public long score;
    public long reachedAt;
    public String userId;
    public boolean present;
    /** The player's emission this comes from, in microseconds: later for each of its emissions. */
    public long writeMicros;

    public PlayerPosition() {}

    public PlayerPosition(
            String tournament, long score, long reachedAt, String userId, boolean present, long writeMicros) {
        this.tournament = tournament;
        this.score = score;
        this.reachedAt = reachedAt;
        this.userId = userId;
        this.present = present;
        this.writeMicros = writeMicros;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlayerPosition p
                && tournament.equals(p.tournament)
                && score == p.score
                && reachedAt == p.reachedAt
                && userId.equals(p.userId)
                && present == p.present
                && writeMicros == p.writeMicros;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(tournament, score, reachedAt, userId, present, writeMicros);
    }

    @Override
    public String toString() {
        return tournament + "/" + score + "/" + reachedAt + "/" + userId + (present ? "" : " (left)") + " @"
                + writeMicros;
    }
}
