package dev.tally.jobs.salesrank.functions;

import dev.tally.jobs.kit.rank.BoundedTopN;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The first stage of the best sellers, chained after {@link HourlyPanes}: this subtask's best N
 * products of each (category, window end), sent on when the watermark that emitted the window passes,
 * so the merge receives at most N entries per category and subtask instead of every product's total.
 *
 * <p>The panes emit a window's totals from timers of the watermark that completes it, before that
 * watermark goes on, so the lists are whole when it reaches here and nothing is pending between
 * watermarks. The held entries are still checkpointed (as operator state) in case a checkpoint
 * should find any.
 */
public final class LocalBestSellers extends AbstractStreamOperator<BestSellerCandidates>
        implements OneInputStreamOperator<ProductTotal, BestSellerCandidates>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final int n;

    /** Window end -> category -> its best N so far. */
    private transient TreeMap<Long, Map<String, BoundedTopN<ProductTotal>>> open;

    private transient ListState<ProductTotal> checkpointed;

    public LocalBestSellers(int n) {
        this.n = BoundedTopN.checkSize(n);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        open = new TreeMap<>();
        checkpointed = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("held-totals", TypeInformation.of(ProductTotal.class)));
        if (context.isRestored()) {
            for (ProductTotal total : checkpointed.get()) {
                offer(total);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<ProductTotal> held = new ArrayList<>();
        for (Map<String, BoundedTopN<ProductTotal>> categories : open.values()) {
            for (BoundedTopN<ProductTotal> top : categories.values()) {
                held.addAll(top.entries());
            }
        }
        checkpointed.update(held);
    }

    @Override
    public void processElement(StreamRecord<ProductTotal> element) {
        offer(element.getValue());
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emitThrough(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void endInput() {
        emitThrough(Long.MAX_VALUE);
    }

    private void offer(ProductTotal total) {
        open.computeIfAbsent(total.windowEnd, end -> new HashMap<>())
                .computeIfAbsent(total.categoryId, category -> new BoundedTopN<>(n, ProductTotal.BEST_FIRST))
                .offer(total);
    }

    /** Sends the lists of every window due at {@code watermark} (end - 1 <= watermark). */
    private void emitThrough(long watermark) {
        for (Iterator<Map.Entry<Long, Map<String, BoundedTopN<ProductTotal>>>> it =
                        open.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Long, Map<String, BoundedTopN<ProductTotal>>> window = it.next();
            long end = window.getKey();
            if (end - 1 > watermark) {
                return;
            }
            for (Map.Entry<String, BoundedTopN<ProductTotal>> category :
                    window.getValue().entrySet()) {
                output.collect(new StreamRecord<>(
                        new BestSellerCandidates(
                                category.getKey(), end, category.getValue().sorted()),
                        end - 1));
            }
            it.remove();
        }
    }
}
