package dev.tally.dashboard;

import dev.tally.jobs.salesrank.functions.SalesWindows;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.RankedProduct;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The sales rank of the System Design Primer's API: {@code GET /v1/popular?category_id&count}, the
 * past week's best sellers of a category, refreshed hourly.
 */
final class SalesRankResource {

    static final int MAX_COUNT = 100;
    private static final Pattern CATEGORY_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

    private final SalesRankQueries queries;
    private final Clock clock;

    SalesRankResource(SalesRankQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/v1/popular", this::popular);
    }

    /**
     * {@code {category_id, window_start, window_end, data: [{product_id, category_id, total_sold, rank}],
     * total}}: the list of the newest window ending at or before {@code at} (default: now), best first.
     * A category without one has empty {@code data} and null times.
     */
    private void popular(Context ctx) {
        String categoryId = ctx.queryParam("category_id");
        if (categoryId == null || !CATEGORY_ID.matcher(categoryId).matches()) {
            throw new BadParameter(
                    "category_id", "is required: 1 to 64 characters of letters, digits, '_', '.', ':', '@' or '-'");
        }
        int count = Params.integer(ctx, "count", 10, 1, MAX_COUNT);
        Instant at = at(ctx);
        CategoryBestSellers list = queries.bestSellers(categoryId, at);
        List<Map<String, Object>> data = new ArrayList<>();
        if (list != null) {
            for (RankedProduct p : list.getProducts()
                    .subList(0, Math.min(count, list.getProducts().size()))) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("product_id", p.getProductId());
                entry.put("category_id", categoryId);
                entry.put("total_sold", p.getTotalSold());
                entry.put("rank", p.getRank());
                data.add(entry);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("category_id", categoryId);
        body.put(
                "window_start",
                list == null
                        ? null
                        : Instant.ofEpochMilli(SalesWindows.windowStart(list.getWindowEnd()))
                                .toString());
        body.put(
                "window_end",
                list == null ? null : Instant.ofEpochMilli(list.getWindowEnd()).toString());
        body.put("data", data);
        body.put("total", data.size());
        ctx.json(body);
    }

    private Instant at(Context ctx) {
        String value = ctx.queryParam("at");
        if (value == null || value.isEmpty()) {
            return clock.instant();
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadParameter("at", "must be an ISO-8601 instant such as 2026-12-07T10:00:00Z");
        }
    }
}
