package dev.tally.jobs.salesrank.functions;

import java.util.ArrayList;

/** One subtask's best sellers of a category for one window: the first stage of the top N (a POJO). */
public final class BestSellerCandidates {

    public String categoryId;
    public long windowEnd;
    /** Best first; an ArrayList, which Flink's list serializer restores. */
    public ArrayList<ProductTotal> products;

    public BestSellerCandidates() {}

    public BestSellerCandidates(String categoryId, long windowEnd, ArrayList<ProductTotal> products) {
        this.categoryId = categoryId;
        this.windowEnd = windowEnd;
        this.products = products;
    }

    @Override
    public String toString() {
        return categoryId + " until " + windowEnd + ": " + products;
    }
}
