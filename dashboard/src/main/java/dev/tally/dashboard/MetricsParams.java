package dev.tally.dashboard;

import dev.tally.jobs.metrics.functions.SeriesKeys;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metrics API's query parameters and their rules; every violation names the parameter and the rule. */
final class MetricsParams {

    /** Default range: the last hour. */
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    /** Ranges shorter than this are read from minutes (when the minutes are still kept), longer ones from hours. */
    static final Duration MINUTES_BELOW = Duration.ofDays(30);
    /** How long the job keeps minutes by default ({@code --minute-retention}): older minutes have expired. */
    static final Duration MINUTE_RETENTION = Duration.ofDays(30);
    /** How long the job keeps raw samples by default ({@code --raw-retention}), and the longest raw range. */
    static final Duration RAW_RETENTION = Duration.ofDays(7);
    /** Most points per series in one answer (what one chart can show, Prometheus's limit too). */
    static final int MAX_POINTS = 11_000;
    /** How far before its instant a point lookup looks by default (Prometheus's lookback too). */
    static final Duration DEFAULT_LOOKBACK = Duration.ofMinutes(5);
    /** Most series keys a request may name with {@code series}. */
    static final int MAX_SERIES = 100;

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    private MetricsParams() {}

    /** [from, to) as given (ISO-8601 instants or epoch milliseconds, to the millisecond); default the hour before now. */
    static Instant[] range(Context ctx, Instant now) {
        Instant to = instant(ctx, "to", now.truncatedTo(ChronoUnit.MILLIS));
        Instant from = instant(ctx, "from", to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw new BadParameter("from", "must be before 'to'");
        }
        return new Instant[] {from, to};
    }

    /**
     * {@code resolution} ({@code raw}, {@code 1m} or {@code 1h}); when absent, from the range and the
     * step: the raw samples for a step that is not a whole number of minutes over a range shorter than
     * 7 days within their retention; else minutes for a range shorter than 30 days that starts within
     * the minutes' retention; else hours. A step of whole minutes reads minutes even where raw samples
     * are kept: merged, they give the same values (percentiles within 1%) from a sixth of the rows.
     * Either way the range must fit the resolution's longest.
     */
    static MetricResolution resolution(Context ctx, Instant from, Instant to, Instant now) {
        String value = ctx.queryParam("resolution");
        Duration range = Duration.between(from, to);
        MetricResolution resolution;
        if (value == null || value.isEmpty()) {
            String step = ctx.queryParam("step");
            boolean subMinute =
                    step != null && !step.isEmpty() && duration("step", step).toMillis() % 60_000 != 0;
            MetricResolution kept = finestKept(from, now);
            if (subMinute && kept == MetricResolution.RAW && range.compareTo(RAW_RETENTION) < 0) {
                resolution = MetricResolution.RAW;
            } else {
                resolution = range.compareTo(MINUTES_BELOW) < 0 && kept != MetricResolution.HOUR
                        ? MetricResolution.MINUTE
                        : MetricResolution.HOUR;
            }
        } else {
            resolution = MetricResolution.of(value);
            if (resolution == null) {
                throw new BadParameter("resolution", "must be raw, 1m or 1h");
            }
        }
        if (range.compareTo(resolution.maxRange()) > 0) {
            throw new BadParameter(
                    "to",
                    "must be at most " + resolution.maxRange().toDays() + " days after 'from' at resolution "
                            + resolution.label());
        }
        return resolution;
    }

    /** The finest resolution whose rows from {@code from} on the job still keeps by its default retentions. */
    static MetricResolution finestKept(Instant from, Instant now) {
        if (!from.isBefore(now.minus(RAW_RETENTION))) {
            return MetricResolution.RAW;
        }
        return from.isBefore(now.minus(MINUTE_RETENTION)) ? MetricResolution.HOUR : MetricResolution.MINUTE;
    }

    /**
     * {@code step}: {@code 30m}, {@code 2h}, {@code 1d} (s, m, h, d) or an ISO-8601 duration such as
     * {@code PT5M}; a whole number of the resolution's buckets, default one. At most
     * {@link #MAX_POINTS} steps may start in [from, to).
     */
    static Duration step(Context ctx, MetricResolution resolution, Instant from, Instant to) {
        String value = ctx.queryParam("step");
        Duration step = value == null || value.isEmpty() ? resolution.bucket() : duration("step", value);
        long bucket = resolution.bucket().toMillis();
        if (step.isNegative()
                || step.isZero()
                || step.compareTo(Duration.ofDays(366)) > 0
                || step.toMillis() % bucket != 0) {
            throw new BadParameter(
                    "step",
                    "must be a whole number of the resolution's " + resolution.label() + " buckets, at most 366 days");
        }
        long ms = step.toMillis();
        long points = Math.floorDiv(to.toEpochMilli() - 1, ms) - Math.floorDiv(from.toEpochMilli(), ms) + 1;
        if (points > MAX_POINTS) {
            // range / (MAX_POINTS - 1) rounded up to whole buckets: leaves room for the steps cut at both ends.
            long range = to.toEpochMilli() - from.toEpochMilli();
            long perStep = (long) (MAX_POINTS - 1) * bucket;
            long enough = (range + perStep - 1) / perStep;
            throw new BadParameter(
                    "step",
                    "gives " + points + " points per series, more than " + MAX_POINTS + ": give a step of " + enough
                            + resolution.stepUnit() + " or more for this range");
        }
        return step;
    }

    /**
     * {@code by}: label keys, comma-separated, whose values group the series (each group's steps
     * aggregated across its series); empty when absent.
     */
    static List<String> by(Context ctx) {
        String value = ctx.queryParam("by");
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String key : value.split(",", -1)) {
            if (!SeriesMatcher.LABEL_KEY.matcher(key).matches()) {
                throw new BadParameter(
                        "by", "'" + key + "' is not a label key: label keys, comma-separated, such as host,region");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    /** {@code at}: the instant of a point lookup (ISO-8601 or epoch milliseconds); default now. */
    static Instant at(Context ctx, Instant now) {
        return instant(ctx, "at", now.truncatedTo(ChronoUnit.MILLIS));
    }

    /** {@code lookback}: how far before {@code at} a point lookup looks for a sample; default 5 minutes, 1 s to 1 hour. */
    static Duration lookback(Context ctx) {
        String value = ctx.queryParam("lookback");
        Duration lookback = value == null || value.isEmpty() ? DEFAULT_LOOKBACK : duration("lookback", value);
        if (lookback.compareTo(Duration.ofSeconds(1)) < 0 || lookback.compareTo(Duration.ofHours(1)) > 0) {
            throw new BadParameter("lookback", "must be from 1s to 1h");
        }
        return lookback;
    }

    static MetricAggregate aggregate(Context ctx) {
        String value = ctx.queryParam("agg");
        return value == null || value.isEmpty() ? MetricAggregate.AVG : MetricAggregate.parse("agg", value);
    }

    /**
     * The {@code series} keys given (the parameter repeated, since keys hold commas), each in the
     * canonical form the job writes and of the metric {@code name}; empty when none is given.
     */
    static Set<String> seriesKeys(Context ctx, String name) {
        List<String> values = ctx.queryParams("series");
        if (values.size() > MAX_SERIES) {
            throw new BadParameter("series", "may be given at most " + MAX_SERIES + " times");
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String key : values) {
            SeriesKeys.Series series;
            try {
                series = SeriesKeys.parse(key);
            } catch (RuntimeException e) {
                series = null;
            }
            if (series == null || !SeriesKeys.of(series.name(), series.labels()).equals(key)) {
                throw new BadParameter(
                        "series",
                        "'" + key
                                + "' is not a series key as the job writes it: name{k1=\"v1\",k2=\"v2\"}, labels sorted by key");
            }
            if (!series.name().equals(name)) {
                throw new BadParameter("series", "'" + key + "' is a series of " + series.name() + ", not of " + name);
            }
            keys.add(key);
        }
        return keys;
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            Instant instant =
                    value.matches("\\d{1,15}") ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
            return instant.truncatedTo(ChronoUnit.MILLIS); // Cassandra keeps milliseconds
        } catch (DateTimeParseException e) {
            throw new BadParameter(
                    name, "must be an ISO-8601 instant such as 2026-12-04T12:00:00Z or epoch milliseconds");
        }
    }

    private static Duration duration(String parameter, String value) {
        Matcher m = SHORT_DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadParameter(parameter, "must be a duration such as 5m, 2h, 1d or PT5M");
        }
    }
}
