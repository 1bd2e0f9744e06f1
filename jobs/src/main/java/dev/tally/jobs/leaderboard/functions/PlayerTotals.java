package dev.tally.jobs.leaderboard.functions;

import java.util.Arrays;

/**
 * A player's state: sums, times, what was emitted, and the first {@link #INLINE_MATCHES} matches in
 * the horizon. Most players play a few matches an hour, so their matches live here, in the one row
 * read per result anyway; only a busier player's further matches go to a map state. A map state costs
 * a RocksDB seek to scan or clear, and a month's close clears every player of it at once: with each
 * player's matches in a map, the close of 150,000 players took minutes (see BENCHMARKS.md).
 */
public final class PlayerTotals {

    public static final int INLINE_MATCHES = 8;

    public long score;
    /** The latest ts of an effective result with points, forgotten ones included; MIN_VALUE without. */
    public long latestScoringTs = Long.MIN_VALUE;
    /** The same over the forgotten matches only: what a rescan of the remembered ones starts from. */
    public long latestForgottenScoringTs = Long.MIN_VALUE;

    public long earliestTs = Long.MAX_VALUE;
    /** When the next remembered match is forgotten (event time). */
    public long nextForget = Long.MAX_VALUE;

    public long emittedScore = ScoreChange.NEW_PLAYER;
    public long emittedReachedAt = Long.MIN_VALUE;
    /** The write timestamp of the last emission (ScoreChange.writeMicros); 0 before the first. */
    public long emittedMicros;
    /** The score, reached_at, as-of time and order of the last change sent to the standings. */
    public long placedScore = ScoreChange.NEW_PLAYER;

    public long placedReachedAt = Long.MIN_VALUE;
    public long placedAsOf = Long.MIN_VALUE;
    public long placedMicros;

    /** A flush timer is registered for a change not yet emitted. */
    public boolean pending;

    /** The matches kept inline, as parallel arrays (one entry per match): compact to serialize. */
    public String[] matchIds = new String[0];

    public int[] revisions = new int[0];
    public int[] points = new int[0];
    public long[] timestamps = new long[0];
    /** How many further matches are in the map state. */
    public int spilled;

    public PlayerTotals() {}

    /** When the player first reached its score: the latest scoring result, or its first result at score 0. */
    public long reachedAt() {
        return latestScoringTs != Long.MIN_VALUE ? latestScoringTs : earliestTs;
    }

    /**
     * A row written before the standings took every change as it happens (restored from an older
     * savepoint) has no placed change: the standings hold what was last emitted, so that is placed.
     */
    public void adoptEmittedAsPlaced() {
        if (placedMicros == 0 && emittedMicros != 0) {
            placedScore = emittedScore;
            placedReachedAt = emittedReachedAt;
            placedMicros = emittedMicros;
            placedAsOf = emittedMicros / 1000;
        }
    }

    public boolean changedSincePlaced() {
        return score != placedScore || reachedAt() != placedReachedAt;
    }

    public boolean changedSinceEmitted() {
        return score != emittedScore || reachedAt() != emittedReachedAt;
    }

    /** The inline entry of {@code matchId}, or -1. */
    public int indexOf(String matchId) {
        for (int i = 0; i < matchIds.length; i++) {
            if (matchIds[i].equals(matchId)) {
                return i;
            }
        }
        return -1;
    }

    public MatchEntry entry(int index) {
        return new MatchEntry(revisions[index], points[index], timestamps[index]);
    }

    public boolean hasInlineRoom() {
        return matchIds.length < INLINE_MATCHES;
    }

    public void set(int index, MatchEntry match) {
        revisions[index] = match.revision;
        points[index] = match.points;
        timestamps[index] = match.ts;
    }

    public void add(String matchId, MatchEntry match) {
        int n = matchIds.length;
        matchIds = Arrays.copyOf(matchIds, n + 1);
        revisions = Arrays.copyOf(revisions, n + 1);
        points = Arrays.copyOf(points, n + 1);
        timestamps = Arrays.copyOf(timestamps, n + 1);
        matchIds[n] = matchId;
        set(n, match);
    }

    public int inlineCount() {
        return matchIds.length;
    }

    /** Keeps only the inline entries {@code keep} says to, in their order. */
    public void retain(boolean[] keep) {
        int kept = 0;
        for (int i = 0; i < matchIds.length; i++) {
            if (keep[i]) {
                matchIds[kept] = matchIds[i];
                revisions[kept] = revisions[i];
                points[kept] = points[i];
                timestamps[kept] = timestamps[i];
                kept++;
            }
        }
        matchIds = Arrays.copyOf(matchIds, kept);
        revisions = Arrays.copyOf(revisions, kept);
        points = Arrays.copyOf(points, kept);
        timestamps = Arrays.copyOf(timestamps, kept);
    }
}
