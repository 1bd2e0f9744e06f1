package dev.tally.jobs.salesrank.functions;

import dev.tally.jobs.kit.rank.BoundedTopN;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.RankedProduct;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The second stage (keyed by category): merges the subtasks' lists of a window into its best N,
 * emitted once when the watermark reaches the window's end - 1, when every subtask has sent its list
 * (each sends it before that watermark). Ranks are competition ranks: 1 + the products that sold
 * more, so equal totals share a rank; a product that sold more than a listed one is listed too, so
 * the list alone gives the rank. Ties keep product id order, and a tie across position N leaves the
 * list at exactly N.
 */
public final class MergeBestSellers extends KeyedProcessFunction<String, BestSellerCandidates, CategoryBestSellers> {

    private static final long serialVersionUID = 1L;

    private final int n;

    /** Window end -> the best N merged so far. */
    private transient MapState<Long, List<ProductTotal>> windows;

    public MergeBestSellers(int n) {
        this.n = BoundedTopN.checkSize(n);
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "windows", Types.LONG, Types.LIST(TypeInformation.of(ProductTotal.class))));
    }

    @Override
    public void processElement(BestSellerCandidates candidates, Context ctx, Collector<CategoryBestSellers> out)
            throws Exception {
        List<ProductTotal> merged = windows.get(candidates.windowEnd);
        // Copies: the network input may deserialize the next record into these objects, and heap
        // state keeps references.
        List<ProductTotal> received = new ArrayList<>(candidates.products.size());
        for (ProductTotal t : candidates.products) {
            received.add(new ProductTotal(t.categoryId, t.productId, t.windowEnd, t.total));
        }
        if (merged == null) {
            merged = received;
            ctx.timerService().registerEventTimeTimer(candidates.windowEnd - 1);
        } else {
            merged = new ArrayList<>(
                    BoundedTopN.merge(n, ProductTotal.BEST_FIRST, t -> t.productId, List.of(merged, received)));
        }
        windows.put(candidates.windowEnd, merged);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CategoryBestSellers> out) throws Exception {
        long windowEnd = timestamp + 1;
        List<ProductTotal> best = windows.get(windowEnd);
        if (best == null) {
            return;
        }
        windows.remove(windowEnd);
        out.collect(new CategoryBestSellers(ctx.getCurrentKey(), windowEnd, ranked(best)));
    }

    /** Best first, with competition ranks. */
    public static List<RankedProduct> ranked(List<ProductTotal> bestFirst) {
        List<RankedProduct> products = new ArrayList<>(bestFirst.size());
        int rank = 0;
        for (int i = 0; i < bestFirst.size(); i++) {
            ProductTotal t = bestFirst.get(i);
            if (i == 0 || t.total != bestFirst.get(i - 1).total) {
                rank = i + 1;
            }
            products.add(new RankedProduct(t.productId, t.total, rank));
        }
        return products;
    }
}
