package dev.tally.jobs.leaderboard.functions;

import java.util.Comparator;

/** A player's place in its tournament's display order. */
public final class Standing {

    /** Score descending, then who reached it first, then user_id: a total order. */
    public static final Comparator<Standing> DISPLAY_ORDER = Comparator.comparingLong((Standing s) -> -s.score)
            .thenComparingLong(s -> s.reachedAt)
            .thenComparing(s -> s.userId);

    public String userId;
    public long score;
    public long reachedAt;

    public Standing() {}

    public Standing(String userId, long score, long reachedAt) {
        this.userId = userId;
        this.score = score;
        this.reachedAt = reachedAt;
    }

    @Override
    public String toString() {
        return userId + ":" + score + "@" + reachedAt;
    }
}
