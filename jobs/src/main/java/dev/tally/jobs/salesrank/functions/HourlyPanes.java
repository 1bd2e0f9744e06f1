package dev.tally.jobs.salesrank.functions;

import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One product in one category (keyed by {@link ProductKeys}): its units sold per hourly pane, and at
 * every hour boundary E while it sold anything in [E - 7 d, E), that window's total, stamped E - 1.
 *
 * <p>The panes are one {@code long[]} of (pane, units) pairs in pane order, at most 168 of them plus
 * panes ahead of the watermark: each window end reads it once and writes it once. A pane leaves when
 * no later window holds it, and the state when no pane is left. Timers: one at the first window end of
 * each pane (registered when it arrives), and one at the next boundary while a pane still counts.
 */
public final class HourlyPanes extends KeyedProcessFunction<String, CategorySale, ProductTotal> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<long[]> panes;

    @Override
    public void open(OpenContext openContext) {
        panes = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("panes", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(CategorySale sale, Context ctx, Collector<ProductTotal> out) throws Exception {
        panes.update(add(panes.value(), sale.pane, sale.qty));
        ctx.timerService().registerEventTimeTimer(SalesWindows.firstWindowEnd(sale.pane) - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProductTotal> out) throws Exception {
        long[] held = panes.value();
        if (held == null) {
            return;
        }
        long windowEnd = timestamp + 1;
        long start = SalesWindows.windowStart(windowEnd);
        long total = 0;
        for (int i = 0; i < held.length; i += 2) {
            if (held[i] >= start && held[i] < windowEnd) {
                total += held[i + 1];
            }
        }
        if (total > 0) {
            String key = ctx.getCurrentKey();
            out.collect(new ProductTotal(ProductKeys.categoryOf(key), ProductKeys.productOf(key), windowEnd, total));
        }
        // The next window starts an hour later: panes before that are done.
        long nextEnd = windowEnd + SalesWindows.HOUR;
        long[] left = dropBefore(held, SalesWindows.windowStart(nextEnd));
        if (left.length == 0) {
            panes.clear();
            return;
        }
        if (left != held) {
            panes.update(left);
        }
        // A pane before the next end is in the next window; later panes have their own first timer.
        if (left[0] < nextEnd) {
            ctx.timerService().registerEventTimeTimer(nextEnd - 1);
        }
    }

    /** {@code pairs} with {@code units} added to {@code pane}'s, in pane order. */
    static long[] add(long[] pairs, long pane, long units) {
        if (pairs == null) {
            return new long[] {pane, units};
        }
        int i = pairs.length - 2;
        // Sales mostly arrive for the newest pane: search from the end.
        while (i >= 0 && pairs[i] > pane) {
            i -= 2;
        }
        if (i >= 0 && pairs[i] == pane) {
            pairs[i + 1] += units;
            return pairs;
        }
        long[] grown = new long[pairs.length + 2];
        System.arraycopy(pairs, 0, grown, 0, i + 2);
        grown[i + 2] = pane;
        grown[i + 3] = units;
        System.arraycopy(pairs, i + 2, grown, i + 4, pairs.length - i - 2);
        return grown;
    }

    /** {@code pairs} without the panes before {@code start}; the same array when none is. */
    static long[] dropBefore(long[] pairs, long start) {
        int i = 0;
        while (i < pairs.length && pairs[i] < start) {
            i += 2;
        }
        return i == 0 ? pairs : Arrays.copyOfRange(pairs, i, pairs.length);
    }
}
