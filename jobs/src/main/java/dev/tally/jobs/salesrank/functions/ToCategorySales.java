package dev.tally.jobs.salesrank.functions;

import dev.tally.schema.salesrank.Purchase;
import java.util.LinkedHashSet;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** A purchase counts once in each of its categories (a category listed twice counts once). */
public final class ToCategorySales implements FlatMapFunction<Purchase, CategorySale> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Purchase purchase, Collector<CategorySale> out) {
        long pane = SalesWindows.paneOf(purchase.getTs());
        for (String category : new LinkedHashSet<>(purchase.getCategoryIds())) {
            out.collect(new CategorySale(category, purchase.getProductId(), pane, purchase.getQty()));
        }
    }
}
