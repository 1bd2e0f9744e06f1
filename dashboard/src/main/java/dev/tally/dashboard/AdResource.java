package dev.tally.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ad-click queries of the books' API (SPEC section 1), plus a per-minute series for charts. */
final class AdResource {

    /** Longest range of aggregated_count: 31 days of minutes. */
    static final long MAX_COUNT_MINUTES = 31L * 24 * 60;
    /** Longest series: one day of minutes. */
    static final long MAX_SERIES_MINUTES = 24L * 60;

    static final int MAX_FILTER = 1_000_000;

    private final AdQueries queries;
    private final Clock clock;
    private final List<Integer> windows;
    private final int maxTopN;
    private final Map<Integer, String> filterNames;

    AdResource(AdQueries queries, Clock clock, List<Integer> windows, int maxTopN, Map<Integer, String> filterNames) {
        this.queries = queries;
        this.clock = clock;
        this.windows = List.copyOf(windows);
        this.maxTopN = maxTopN;
        this.filterNames = new java.util.TreeMap<>(filterNames);
        this.filterNames.putIfAbsent(0, "all clicks");
    }

    void register(Javalin app) {
        app.get("/v1/ads/filters", this::filters);
        app.get("/v1/ads/popular_ads", this::popularAds);
        app.get("/v1/ads/{ad_id}/aggregated_count", this::aggregatedCount);
        app.get("/v1/ads/{ad_id}/series", this::series);
    }

    /** The job's filters and window sizes: {@code {filters: [{id, name}], windows: [...]}}, for the page's choices. */
    private void filters(Context ctx) {
        List<Map<String, Object>> filters = new ArrayList<>();
        filterNames.forEach((id, name) -> filters.add(Map.of("id", id, "name", name)));
        ctx.json(Map.of("filters", filters, "windows", windows));
    }

    /** Clicks of an ad in [from, to) minutes for a filter: {@code {ad_id, count}}. */
    private void aggregatedCount(Context ctx) {
        String adId = Params.adId(ctx);
        int filter = Params.integer(ctx, "filter", 0, 0, MAX_FILTER);
        Instant[] range = Params.range(ctx, clock.instant(), MAX_COUNT_MINUTES);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ad_id", adId);
        body.put("count", queries.count(adId, filter, range[0], range[1]));
        body.put("filter", filter);
        body.put("from", range[0].toString());
        body.put("to", range[1].toString());
        ctx.json(body);
    }

    /** The top {@code count} ads of the latest complete {@code window}-minute period for a filter. */
    private void popularAds(Context ctx) {
        int count = Params.integer(ctx, "count", 10, 1, maxTopN);
        int window = Params.integer(ctx, "window", windows.get(0), 1, 7 * 24 * 60);
        if (!windows.contains(window)) {
            throw new BadParameter("window", "must be one of the window sizes the job computes: " + windows);
        }
        int filter = Params.integer(ctx, "filter", 0, 0, MAX_FILTER);
        AdQueries.TopAds top = queries.latestTop(filter, window, count);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("window", window);
        body.put("filter", filter);
        if (top == null) {
            body.put("window_start", null);
            body.put("window_end", null);
            body.put("ad_ids", List.of());
            body.put("ads", List.of());
        } else {
            body.put("window_start", top.windowStart().toString());
            body.put("window_end", top.windowEnd().toString());
            body.put("ad_ids", top.ads().stream().map(AdQueries.AdCount::adId).toList());
            body.put(
                    "ads",
                    top.ads().stream()
                            .map(a -> Map.of("ad_id", a.adId(), "count", a.count()))
                            .toList());
        }
        ctx.json(body);
    }

    /** Per-minute counts of an ad in [from, to), one point per minute (0 where there were no clicks). */
    private void series(Context ctx) {
        String adId = Params.adId(ctx);
        int filter = Params.integer(ctx, "filter", 0, 0, MAX_FILTER);
        Instant[] range = Params.range(ctx, clock.instant(), MAX_SERIES_MINUTES);
        Map<Instant, Long> counts = queries.series(adId, filter, range[0], range[1]);
        List<Map<String, Object>> points = new ArrayList<>();
        for (Instant m = range[0]; m.isBefore(range[1]); m = m.plus(1, ChronoUnit.MINUTES)) {
            points.add(Map.of("minute", m.toString(), "count", counts.getOrDefault(m, 0L)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ad_id", adId);
        body.put("filter", filter);
        body.put("points", points);
        ctx.json(body);
    }
}
