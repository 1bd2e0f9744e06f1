package dev.tally.jobs.metrics;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long a metric's raw minutes and rollups live after their bucket ended: the job's {@code
 * --raw-retention}, {@code --minute-retention} and {@code --hour-retention}, or the metric's own from
 * {@code --retention-overrides}, a YAML file from metric name to its retentions (ISO-8601 durations; a
 * resolution it does not name keeps the job's):
 *
 * <pre>
 * http_requests_total: {raw: P14D, minute: P90D, hour: P1095D}
 * debug_queue_depth: {minute: P1D}
 * </pre>
 *
 * <p>Names are exact metric names. The file is read at submission, so a bad one fails there, naming the
 * metric and what is wrong.
 */
public final class RetentionPolicy implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Duration LEAST_MINUTE = Duration.ofMinutes(1);
    private static final Duration LEAST_HOUR = Duration.ofHours(1);

    public static final Duration DEFAULT_RAW = Duration.ofDays(7);
    public static final Duration DEFAULT_MINUTE = Duration.ofDays(30);
    public static final Duration DEFAULT_HOUR = Duration.ofDays(365);
    /** The job's default retentions, no metric of its own. */
    public static final RetentionPolicy DEFAULTS = of(DEFAULT_MINUTE, DEFAULT_HOUR);

    private final Duration raw;
    private final Duration minute;
    private final Duration hour;
    /** Metric name to its minute, hour and raw retentions, null where it keeps the job's. */
    private final Map<String, Duration[]> overrides;

    private RetentionPolicy(Duration raw, Duration minute, Duration hour, Map<String, Duration[]> overrides) {
        this.raw = check(raw, LEAST_MINUTE, "--raw-retention");
        this.minute = check(minute, LEAST_MINUTE, "--minute-retention");
        this.hour = check(hour, LEAST_HOUR, "--hour-retention");
        this.overrides = overrides;
    }

    /** The job's retentions for every metric, raw minutes kept for the default 7 days. */
    public static RetentionPolicy of(Duration minute, Duration hour) {
        return new RetentionPolicy(DEFAULT_RAW, minute, hour, Map.of());
    }

    /** The job's retentions, and the metrics' own of {@code overridesFile} (none when null). */
    public static RetentionPolicy of(Duration raw, Duration minute, Duration hour, Path overridesFile) {
        if (overridesFile == null) {
            return new RetentionPolicy(raw, minute, hour, Map.of());
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(overridesFile.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "The retention overrides " + overridesFile + " are not YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the retention overrides " + overridesFile, e);
        }
        Map<String, Duration[]> overrides = new TreeMap<>();
        if (root == null || root.isNull()) {
            return new RetentionPolicy(raw, minute, hour, overrides);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(
                    "The retention overrides " + overridesFile + " must map metric names to {raw, minute, hour}");
        }
        for (Map.Entry<String, JsonNode> metric : root.properties()) {
            String where = "retention overrides " + overridesFile + ", metric " + metric.getKey();
            JsonNode node = metric.getValue();
            if (!node.isObject() || node.isEmpty()) {
                throw new IllegalArgumentException(
                        where + ": expected {raw: <duration>, minute: <duration>, hour: <duration>}");
            }
            Duration[] retentions = new Duration[3];
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                switch (field.getKey()) {
                    case "minute" -> retentions[0] = duration(field.getValue(), LEAST_MINUTE, where + ", minute");
                    case "hour" -> retentions[1] = duration(field.getValue(), LEAST_HOUR, where + ", hour");
                    case "raw" -> retentions[2] = duration(field.getValue(), LEAST_MINUTE, where + ", raw");
                    default ->
                        throw new IllegalArgumentException(
                                where + ": unknown key '" + field.getKey() + "' (raw, minute, hour)");
                }
            }
            overrides.put(metric.getKey(), retentions);
        }
        return new RetentionPolicy(raw, minute, hour, overrides);
    }

    /**
     * How long a bucket of {@code metric} at {@code resolution} ({@link MetricsTables#RAW}, {@link
     * MetricsTables#MINUTE} or {@link MetricsTables#HOUR}) lives after it ended.
     */
    public long millis(String resolution, String metric) {
        int at = switch (resolution) {
            case MetricsTables.MINUTE -> 0;
            case MetricsTables.HOUR -> 1;
            case MetricsTables.RAW -> 2;
            default -> throw new IllegalArgumentException("No resolution " + resolution);
        };
        Duration[] own = overrides.get(metric);
        Duration retention = own == null ? null : own[at];
        return (retention != null ? retention : new Duration[] {minute, hour, raw}[at]).toMillis();
    }

    private static Duration duration(JsonNode value, Duration least, String where) {
        try {
            return check(Duration.parse(value.asText()), least, where);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    where + ": '" + value.asText() + "' is not an ISO-8601 duration (e.g. P30D, PT12H)");
        }
    }

    private static Duration check(Duration retention, Duration least, String what) {
        if (retention.compareTo(least) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + least + ", was " + retention);
        }
        return retention;
    }
}
