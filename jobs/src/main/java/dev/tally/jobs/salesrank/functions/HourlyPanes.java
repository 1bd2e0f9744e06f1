package dev.tally.jobs.salesrank.functions;

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
 * <p>The state is one {@code long[]}: the last window end emitted, then (pane, units) pairs in pane
 * order, at most 168 of them plus panes ahead of the watermark. A pane leaves when no later window
 * holds it, and the state when no pane is left. Timers: one at the first window end of each pane
 * (registered when it arrives), and one at the next boundary while a pane still counts.
 *
 * <p>When the watermark has passed several boundaries at once (catching up on a backlog, the end of a
 * bounded input) one timer emits every window now due, reading and writing the state once rather than
 * once per window and timer; a pane's own first timer that such a run passed finds its window emitted
 * and does nothing.
 */
public final class HourlyPanes extends KeyedProcessFunction<String, CategorySale, ProductTotal> {

    private static final long serialVersionUID = 1L;

    /** Index of the last window end emitted; the pairs follow it. */
    private static final int EMITTED = 0;

    private transient ValueState<long[]> panes;

    @Override
    public void open(OpenContext openContext) {
        panes = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("panes", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(CategorySale sale, Context ctx, Collector<ProductTotal> out) throws Exception {
        long[] held = panes.value();
        long[] updated = add(held, sale.pane, sale.qty);
        panes.update(updated);
        if (updated != held) {
            // A new pane: its first window's timer. A sale of a pane held already has it.
            ctx.timerService().registerEventTimeTimer(SalesWindows.firstWindowEnd(sale.pane) - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProductTotal> out) throws Exception {
        long[] held = panes.value();
        long end = timestamp + 1;
        if (held == null || end <= held[EMITTED]) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        String key = ctx.getCurrentKey();
        while (true) {
            long start = SalesWindows.windowStart(end);
            long total = 0;
            for (int i = 1; i < held.length; i += 2) {
                if (held[i] >= start && held[i] < end) {
                    total += held[i + 1];
                }
            }
            if (total > 0) {
                out.collect(new ProductTotal(ProductKeys.categoryOf(key), ProductKeys.productOf(key), end, total));
            }
            held[EMITTED] = end;
            // The next window starts an hour later: panes before that are done.
            long next = end + SalesWindows.HOUR;
            held = dropBefore(held, SalesWindows.windowStart(next));
            if (held.length == 1) {
                panes.clear();
                return;
            }
            if (held[1] >= next) {
                // No pane in the next window; later panes have their own first timers.
                panes.update(held);
                return;
            }
            if (next - 1 > watermark) {
                ctx.timerService().registerEventTimeTimer(next - 1);
                panes.update(held);
                return;
            }
            end = next;
        }
    }

    /**
     * {@code state} with {@code units} added to {@code pane}'s, its pairs in pane order: the same array
     * when it held the pane, a new one when the pane is new.
     */
    static long[] add(long[] state, long pane, long units) {
        if (state == null) {
            return new long[] {Long.MIN_VALUE, pane, units};
        }
        int i = state.length - 2;
        // Sales mostly arrive for the newest pane: search from the end.
        while (i >= 1 && state[i] > pane) {
            i -= 2;
        }
        if (i >= 1 && state[i] == pane) {
            state[i + 1] += units;
            return state;
        }
        long[] grown = new long[state.length + 2];
        System.arraycopy(state, 0, grown, 0, i + 2);
        grown[i + 2] = pane;
        grown[i + 3] = units;
        System.arraycopy(state, i + 2, grown, i + 4, state.length - i - 2);
        return grown;
    }

    /** {@code state} without the panes before {@code start}; the same array when none is. */
    static long[] dropBefore(long[] state, long start) {
        int i = 1;
        while (i < state.length && state[i] < start) {
            i += 2;
        }
        if (i == 1) {
            return state;
        }
        long[] left = new long[state.length - i + 1];
        left[EMITTED] = state[EMITTED];
        System.arraycopy(state, i, left, 1, state.length - i);
        return left;
    }
}
