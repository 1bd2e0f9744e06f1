package dev.tally.loadgen.leaderboard;

import dev.tally.loadgen.leaderboard.reference.LeaderboardReference;
import dev.tally.schema.leaderboard.MatchResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What the generator sent, as the job must see it: every valid result it must apply goes to the
 * {@link LeaderboardReference} (duplicates and superseded revisions too: resolving them is the
 * reference's job), every valid record is kept whole in the order sent, those beyond the correction
 * horizon (which the job routes to the late topic) marked, and the malformed ones are counted. {@link #expected(int)} is the ground truth.
 *
 * <p>Without a truth file nobody needs the expected state, and over a long run it would fill the heap:
 * {@link #totalsOnly()} keeps the counts alone.
 */
public final class LeaderboardTruth {

    private final LeaderboardReference reference;
    /** Every valid record sent, in order. */
    private final List<ExpectedLeaderboard.Sent> sent = new ArrayList<>();

    private long results;
    private long corrections;
    private long duplicates;
    private long lateResults;
    private long staleDuplicates;
    private long malformed;

    /** A truth that computes the expected state. */
    public LeaderboardTruth() {
        this(new LeaderboardReference());
    }

    private LeaderboardTruth(LeaderboardReference reference) {
        this.reference = reference;
    }

    /** A truth that only counts. */
    public static LeaderboardTruth totalsOnly() {
        return new LeaderboardTruth(null);
    }

    /** A record of a new match. */
    void result(MatchResult r) {
        results++;
        apply(r);
    }

    /** A record with a higher revision of an earlier one. */
    void correction(MatchResult r) {
        corrections++;
        apply(r);
    }

    /** A re-send of a recent record: applied, and changes nothing. */
    void duplicate(MatchResult r) {
        duplicates++;
        apply(r);
    }

    /** A record of a new match beyond the correction horizon: the job must route it to the late topic. */
    void lateResult(MatchResult r) {
        lateResults++;
        remember(r);
    }

    /** A re-send of a record beyond the correction horizon: the job must route it to the late topic. */
    void staleDuplicate(MatchResult r) {
        staleDuplicates++;
        remember(r);
    }

    void malformed() {
        malformed++;
    }

    private void apply(MatchResult r) {
        if (reference != null) {
            reference.add(r);
            sent.add(new ExpectedLeaderboard.Sent(r, false));
        }
    }

    private void remember(MatchResult r) {
        if (reference != null) {
            sent.add(new ExpectedLeaderboard.Sent(r, true));
        }
    }

    /** The ground truth, with top lists of {@code topK}. */
    public ExpectedLeaderboard expected(int topK) {
        if (reference == null) {
            throw new IllegalStateException("this truth keeps only totals (LeaderboardTruth.totalsOnly())");
        }
        return new ExpectedLeaderboard(
                reference.standings(topK), reference.effectiveResults(), List.copyOf(sent), totals());
    }

    public ExpectedLeaderboard.Totals totals() {
        return new ExpectedLeaderboard.Totals(
                results, corrections, duplicates, lateResults, staleDuplicates, malformed);
    }
}
