package dev.tally.jobs.salesrank.functions;

import java.util.Objects;

/** Units of a product sold in one category within one hourly pane (a POJO, for Flink's serializer). */
public final class CategorySale {

    public String categoryId;
    public String productId;
    public long pane;
    public long qty;

    public CategorySale() {}

    public CategorySale(String categoryId, String productId, long pane, long qty) {
        this.categoryId = categoryId;
        this.productId = productId;
        this.pane = pane;
        this.qty = qty;
    }

    /** The key of the per-product panes: category and product, apart by a character ids cannot hold. */
    public String productKey() {
        return ProductKeys.of(categoryId, productId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CategorySale s
                && pane == s.pane
                && qty == s.qty
                && categoryId.equals(s.categoryId)
                && productId.equals(s.productId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(categoryId, productId, pane, qty);
    }

    @Override
    public String toString() {
        return categoryId + "/" + productId + "@" + pane + "+" + qty;
    }
}
