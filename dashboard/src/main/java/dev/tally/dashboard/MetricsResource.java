package dev.tally.dashboard;

import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.schema.metrics.MetricRollup;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metrics queries (SPEC section 2): the series of a metric whose labels match, each as points of
 * an aggregate over steps of its stored raw samples or 1-minute or 1-hour rollups, and the list of
 * series keys.
 * Series are found in the job's series index ({@link MetricsQueries#lookup}), or named by the caller
 * with {@code series}.
 */
final class MetricsResource {

    /**
     * Rows a lookup reads of one index partition at most: a metric's series, or a label value's. It
     * stops there and says so ({@code complete: false}) rather than reading an unbounded partition.
     */
    static final int INDEX_LIMIT = 100_000;

    private final MetricsQueries queries;
    private final Clock clock;

    MetricsResource(MetricsQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/v1/metrics/series", this::list);
        app.get("/v1/metrics/{name}/series", this::series);
        app.get("/v1/metrics/{name}/point", this::point);
    }

    /**
     * {@code {name, match, series: [{key, name, labels}], index}}: the series (of {@code name}, any when
     * absent) whose labels match, found in the series index, sorted by key.
     */
    private void list(Context ctx) {
        String name = ctx.queryParam("name");
        SeriesMatcher matcher =
                SeriesMatcher.parse(name == null || name.isEmpty() ? null : name, ctx.queryParam("match"));
        MetricsQueries.SeriesLookup lookup = queries.lookup(matcher, INDEX_LIMIT);
        List<Map<String, Object>> series = new ArrayList<>();
        for (String key : lookup.keys()) {
            SeriesKeys.Series parsed = SeriesKeys.parse(key);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", key);
            entry.put("name", parsed.name());
            entry.put("labels", parsed.labels());
            series.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", matcher.name());
        body.put("match", matcher.labels());
        body.put("series", series);
        body.put("index", index(lookup));
        ctx.json(body);
    }

    /**
     * {@code {name, match, from, to, resolution, step, agg, by, series: [{key, labels, series, kind,
     * points: [{ts, value, count}], last: {ts, value}}], truncated, index}}: the matching series with a
     * bucket in [from, to), sorted by key, at most {@link MetricsParams#MAX_SERIES} ({@code truncated}
     * says more matched); with {@code by}, one entry per value of those labels, its steps aggregated
     * across its series ({@code series} of them), its key the name and those labels.
     */
    private void series(Context ctx) {
        String name = ctx.pathParam("name");
        SeriesMatcher matcher = SeriesMatcher.parse(name, ctx.queryParam("match"));
        Instant now = clock.instant();
        Instant[] range = MetricsParams.range(ctx, now);
        MetricResolution resolution = MetricsParams.resolution(ctx, range[0], range[1], now);
        Duration step = MetricsParams.step(ctx, resolution, range[0], range[1]);
        MetricAggregate aggregate = MetricsParams.aggregate(ctx);
        List<String> by = MetricsParams.by(ctx);
        Set<String> given = MetricsParams.seriesKeys(ctx, name);

        // The index keeps a series as long as its longest-kept rollups, so one whose minutes have expired is
        // still found for a range read from hours.
        MetricsQueries.SeriesLookup lookup = given.isEmpty() ? queries.lookup(matcher, INDEX_LIMIT) : null;
        List<String> matching = matching(matcher, given, lookup);
        boolean truncated = matching.size() > MetricsParams.MAX_SERIES;
        List<String> keys = matching.subList(0, Math.min(matching.size(), MetricsParams.MAX_SERIES));

        // Each series with data in the range: its steps, by key in key order.
        Map<String, List<MetricSteps.Step>> stepsOf = new LinkedHashMap<>();
        if (resolution == MetricResolution.RAW) {
            long from = range[0].toEpochMilli();
            long to = range[1].toEpochMilli();
            queries.rawMinutes(keys, range[0], range[1]).forEach((key, minutes) -> {
                List<MetricSteps.Step> steps = MetricSteps.ofSamples(minutes, from, to, step.toMillis());
                if (!steps.isEmpty()) {
                    stepsOf.put(key, steps);
                }
            });
        } else {
            queries.buckets(resolution, keys, range[0], range[1]).forEach((key, buckets) -> {
                if (!buckets.isEmpty()) {
                    stepsOf.put(key, MetricSteps.merge(buckets, step.toMillis()));
                }
            });
        }
        List<Map<String, Object>> series = new ArrayList<>();
        if (by.isEmpty()) {
            stepsOf.forEach(
                    (key, steps) -> series.add(series(key, SeriesKeys.parse(key).labels(), 1, steps, aggregate)));
        } else {
            // Groups by the values of the `by` labels (a series without one has "" there), in key order.
            Map<String, Map<String, String>> groupLabels = new TreeMap<>();
            Map<String, List<List<MetricSteps.Step>>> groups = new LinkedHashMap<>();
            stepsOf.forEach((key, steps) -> {
                Map<String, String> labels = SeriesKeys.parse(key).labels();
                Map<String, String> group = new TreeMap<>();
                by.forEach(label -> group.put(label, labels.getOrDefault(label, "")));
                String groupKey = SeriesKeys.of(name, group);
                groupLabels.put(groupKey, group);
                groups.computeIfAbsent(groupKey, k -> new ArrayList<>()).add(steps);
            });
            groupLabels.forEach((groupKey, labels) -> {
                List<List<MetricSteps.Step>> members = groups.get(groupKey);
                series.add(series(groupKey, labels, members.size(), MetricSteps.acrossSeries(members), aggregate));
            });
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("match", matcher.labels());
        body.put("from", range[0].toString());
        body.put("to", range[1].toString());
        body.put("resolution", resolution.label());
        body.put("step", step.toString());
        body.put("agg", aggregate.label());
        body.put("by", by);
        body.put("series", series);
        body.put("truncated", truncated);
        body.put("index", lookup == null ? null : index(lookup));
        ctx.json(body);
    }

    /**
     * A series' entry, or a group's of {@code members} series: its steps' points, and the newest step's
     * last sample and kind.
     */
    private static Map<String, Object> series(
            String key,
            Map<String, String> labels,
            int members,
            List<MetricSteps.Step> steps,
            MetricAggregate aggregate) {
        Rollup newest = steps.get(steps.size() - 1).rollup();
        List<Map<String, Object>> points = new ArrayList<>();
        for (MetricSteps.Step s : steps) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("ts", Instant.ofEpochMilli(s.start()).toString());
            point.put("value", aggregate.of(s.rollup()));
            point.put("count", s.rollup().count);
            points.add(point);
        }
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("ts", Instant.ofEpochMilli(newest.lastTs).toString());
        last.put("value", newest.last);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", key);
        entry.put("labels", labels);
        entry.put("series", members);
        entry.put("kind", newest.counter ? "COUNTER" : "GAUGE");
        entry.put("points", points);
        entry.put("last", last);
        return entry;
    }

    /**
     * {@code {name, match, at, lookback, resolution, series: [{key, labels, ts, value}], truncated,
     * index}}: each matching series' latest sample at or before {@code at} and after {@code at -
     * lookback}, from the raw samples while they are kept; beyond, the last sample of the latest minute
     * (or hour) rollup that has one in that window. A series without one is left out.
     */
    private void point(Context ctx) {
        String name = ctx.pathParam("name");
        SeriesMatcher matcher = SeriesMatcher.parse(name, ctx.queryParam("match"));
        Instant now = clock.instant();
        Instant at = MetricsParams.at(ctx, now);
        Duration lookback = MetricsParams.lookback(ctx);
        Set<String> given = MetricsParams.seriesKeys(ctx, name);
        MetricsQueries.SeriesLookup lookup = given.isEmpty() ? queries.lookup(matcher, INDEX_LIMIT) : null;
        List<String> matching = matching(matcher, given, lookup);
        boolean truncated = matching.size() > MetricsParams.MAX_SERIES;
        List<String> keys = matching.subList(0, Math.min(matching.size(), MetricsParams.MAX_SERIES));

        long from = at.minus(lookback).toEpochMilli() + 1;
        long through = at.toEpochMilli();
        Instant start = Instant.ofEpochMilli(from);
        Instant end = Instant.ofEpochMilli(through + 1);
        MetricResolution resolution = MetricsParams.finestKept(start, now);
        List<Map<String, Object>> series = new ArrayList<>();
        if (resolution == MetricResolution.RAW) {
            queries.rawMinutes(keys, start, end).forEach((key, minutes) -> {
                MetricSteps.Sample latest = MetricSteps.latest(minutes, from, through + 1);
                if (latest != null) {
                    series.add(point(key, latest.ts(), latest.value()));
                }
            });
        } else {
            // Rollups that may hold a sample in the window: those starting up to a bucket before it.
            Instant earlier = start.minus(resolution.bucket());
            queries.buckets(resolution, keys, earlier, end).forEach((key, buckets) -> {
                for (int i = buckets.size() - 1; i >= 0; i--) {
                    MetricRollup r = buckets.get(i);
                    if (r.getLastTs() >= from && r.getLastTs() <= through) {
                        series.add(point(key, r.getLastTs(), r.getLast()));
                        break;
                    }
                }
            });
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("match", matcher.labels());
        body.put("at", at.toString());
        body.put("lookback", lookback.toString());
        body.put("resolution", resolution.label());
        body.put("series", series);
        body.put("truncated", truncated);
        body.put("index", lookup == null ? null : index(lookup));
        ctx.json(body);
    }

    private static Map<String, Object> point(String key, long ts, double value) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", key);
        entry.put("labels", SeriesKeys.parse(key).labels());
        entry.put("ts", Instant.ofEpochMilli(ts).toString());
        entry.put("value", value);
        return entry;
    }

    /** The series keys given, or found, that the matcher keeps, sorted. */
    private static List<String> matching(SeriesMatcher matcher, Set<String> given, MetricsQueries.SeriesLookup lookup) {
        Collection<String> candidates = given.isEmpty() ? lookup.keys() : given;
        return candidates.stream().filter(matcher::matches).sorted().toList();
    }

    private static Map<String, Object> index(MetricsQueries.SeriesLookup lookup) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("table", lookup.table());
        body.put("rows_read", lookup.rowsRead());
        body.put("limit", INDEX_LIMIT);
        body.put("complete", lookup.complete());
        return body;
    }
}
