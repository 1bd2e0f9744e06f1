package dev.tally.loadgen.salesrank;

import dev.tally.loadgen.salesrank.reference.SalesRankReference;
import dev.tally.schema.salesrank.Purchase;
import java.util.ArrayList;
import java.util.List;

/**
 * What the generator sent, as the job must see it: every valid on-time record goes to the {@link
 * SalesRankReference} in send order (duplicates and conflicting copies too: resolving them is the
 * reference's job), every purchase sent far behind the front (which the job routes to the late topic)
 * is kept whole, and the malformed ones are counted. {@link #expected(int)} is the ground truth.
 *
 * <p>Without a truth file nobody needs the purchases, and over a long run they would fill the heap:
 * {@link #totalsOnly()} keeps the counts alone.
 */
public final class SalesRankTruth {

    private final SalesRankReference reference;
    private final List<Purchase> late = new ArrayList<>();

    private long purchases;
    private long duplicates;
    private long conflicts;
    private long lateCount;
    private long malformed;

    /** A truth that keeps the purchases for the expected lists. */
    public SalesRankTruth() {
        this(new SalesRankReference());
    }

    private SalesRankTruth(SalesRankReference reference) {
        this.reference = reference;
    }

    /** A truth that only counts. */
    public static SalesRankTruth totalsOnly() {
        return new SalesRankTruth(null);
    }

    void purchase(Purchase p) {
        purchases++;
        take(p);
    }

    void duplicate(Purchase p) {
        duplicates++;
        take(p);
    }

    void conflict(Purchase p) {
        conflicts++;
        take(p);
    }

    void late(Purchase p) {
        lateCount++;
        if (reference != null) {
            late.add(p);
        }
    }

    void malformed() {
        malformed++;
    }

    private void take(Purchase p) {
        if (reference != null) {
            reference.add(p);
        }
    }

    /** The ground truth, with lists of {@code topN}. */
    public ExpectedSalesRank expected(int topN) {
        if (reference == null) {
            throw new IllegalStateException("this truth keeps only totals (SalesRankTruth.totalsOnly())");
        }
        if (reference.duplicates() != duplicates || reference.conflicts() != conflicts) {
            throw new IllegalStateException("the reference and the generator disagree on duplicates or conflicts");
        }
        return new ExpectedSalesRank(topN, List.copyOf(reference.purchases()), List.copyOf(late), totals());
    }

    public ExpectedSalesRank.Totals totals() {
        return new ExpectedSalesRank.Totals(purchases, duplicates, conflicts, lateCount, malformed);
    }
}
