package dev.tally.jobs.adclick.functions;

import dev.tally.jobs.kit.rank.BoundedTopN;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.TopAds;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Second stage of the two-stage top N: merges the subtasks' {@link TopCandidates} of one (filter,
 * window size) and window end into the final {@link TopAds}, emitted once when the watermark
 * reaches the window's end - 1.
 */
public class MergeTopN extends KeyedProcessFunction<RankingKey, TopCandidates, TopAds> {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_TOP_N = 100;

    private final int n;

    /** Window end -> best N merged so far; an entry lives until its window's timer fires. */
    private transient MapState<Long, List<AdTotal>> bestByWindowEnd;

    private transient Counter lateCandidates;
    private transient Histogram latency;

    public MergeTopN(int n) {
        this.n = AdTopN.checkSize(n);
    }

    @Override
    public void open(OpenContext openContext) {
        bestByWindowEnd = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "best-ads-by-window-end", Types.LONG, Types.LIST(Types.POJO(AdTotal.class))));
        lateCandidates = getRuntimeContext().getMetricGroup().counter("late-candidates");
        // A dozen lists a minute by default: the window spans the last hour or more of them.
        latency = getRuntimeContext()
                .getMetricGroup()
                .histogram("topNEmitLatencyMillis", new DescriptiveStatisticsHistogram(1_000));
    }

    @Override
    public void processElement(TopCandidates candidates, Context ctx, Collector<TopAds> out) throws Exception {
        long windowEnd = candidates.windowEnd;
        if (windowEnd - 1 <= ctx.timerService().currentWatermark()) {
            // The list for this window is out already; each window is emitted once.
            lateCandidates.inc();
            return;
        }
        List<AdTotal> best = bestByWindowEnd.get(windowEnd);
        if (best == null) {
            ctx.timerService().registerEventTimeTimer(windowEnd - 1);
            best = List.of();
        }
        // Merging on arrival keeps state at N entries per window, however many subtasks send.
        bestByWindowEnd.put(windowEnd, merge(n, List.of(best, candidates.ads)));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopAds> out) throws Exception {
        long windowEnd = timestamp + 1;
        List<AdTotal> best = bestByWindowEnd.get(windowEnd);
        if (best == null) {
            return;
        }
        RankingKey key = ctx.getCurrentKey();
        // Window end to the wall clock now: the ranking's end-to-end result latency.
        latency.update(Math.max(0, ctx.timerService().currentProcessingTime() - windowEnd));
        out.collect(toTopAds(key.filterId, key.windowMinutes, windowEnd, best));
        bestByWindowEnd.remove(windowEnd);
    }

    /**
     * The best {@code n} of the given candidate lists, ordered by {@link TopNOrder}. An ad listed
     * more than once keeps its largest count: candidates are window totals, never partials to add.
     */
    public static List<AdTotal> merge(int n, List<? extends List<AdTotal>> candidateLists) {
        return BoundedTopN.merge(n, TopNOrder.INSTANCE, ad -> ad.adId, candidateLists);
    }

    /** The published list of one filter and window; {@code best} is in rank order. */
    public static TopAds toTopAds(int filterId, int windowMinutes, long windowEnd, List<AdTotal> best) {
        List<AdCount> ads = new ArrayList<>(best.size());
        for (AdTotal ad : best) {
            ads.add(new AdCount(ad.adId, ad.count));
        }
        return TopAds.newBuilder()
                .setFilterId(filterId)
                .setWindowMinutes(windowMinutes)
                .setWindowStart(windowEnd - windowMinutes * Minutes.MILLIS)
                .setWindowEnd(windowEnd)
                .setAds(ads)
                .build();
    }
}
