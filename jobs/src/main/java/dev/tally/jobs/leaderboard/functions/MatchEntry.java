package dev.tally.jobs.leaderboard.functions;

/** The effective result of one match for one player, remembered for the correction horizon. */
public final class MatchEntry {

    public int revision;
    public int points;
    public long ts;

    public MatchEntry() {}

    public MatchEntry(int revision, int points, long ts) {
        this.revision = revision;
        this.points = points;
        this.ts = ts;
    }

    /**
     * Whether a record of the same match replaces this one: a higher revision, or the same with more
     * points. The rule does not depend on arrival order, so a replay keeps what the live run kept.
     */
    public boolean isReplacedBy(int otherRevision, int otherPoints) {
        return otherRevision > revision || (otherRevision == revision && otherPoints > points);
    }
}
