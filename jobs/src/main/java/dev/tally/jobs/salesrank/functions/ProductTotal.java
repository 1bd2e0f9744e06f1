package dev.tally.jobs.salesrank.functions;

import java.util.Comparator;
import java.util.Objects;

/** A product's units sold in a category over the window ending at {@code windowEnd} (a POJO). */
public final class ProductTotal {

    /** Best sellers first: more units, then the smaller product id, so the order is total. */
    public static final Comparator<ProductTotal> BEST_FIRST =
            Comparator.<ProductTotal>comparingLong(t -> -t.total).thenComparing(t -> t.productId);

    public String categoryId;
    public String productId;
    public long windowEnd;
    public long total;

    public ProductTotal() {}

    public ProductTotal(String categoryId, String productId, long windowEnd, long total) {
        this.categoryId = categoryId;
        this.productId = productId;
        this.windowEnd = windowEnd;
        this.total = total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProductTotal t
                && windowEnd == t.windowEnd
                && total == t.total
                && categoryId.equals(t.categoryId)
                && productId.equals(t.productId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(categoryId, productId, windowEnd, total);
    }

    @Override
    public String toString() {
        return categoryId + "/" + productId + " until " + windowEnd + ": " + total;
    }
}
