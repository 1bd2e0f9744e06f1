package dev.tally.jobs.metrics;

import dev.tally.connectors.avro.FieldLimits;
import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.jobs.metrics.functions.MetricKinds;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rejects points whose series could not be keyed unambiguously (names and label keys outside
 * Prometheus's character sets, label keys or values over their limits), values no rollup can hold
 * (NaN, infinities), a GAUGE named as a counter, and event times implausible relative to when Kafka
 * received them (the broker timestamp, so a replay from Kafka judges as the live run did). The name's
 * length and the number of labels are limited by the schema, before this runs.
 */
public final class MetricValidator implements RecordValidator<MetricPoint> {

    private static final long serialVersionUID = 1L;

    public static final int MAX_LABEL_KEY = 100;
    public static final int MAX_LABEL_VALUE = 256;

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:.]*");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final long maxAgeMillis;
    private final long maxFutureMillis;

    public MetricValidator(Duration maxAge, Duration maxFuture) {
        this.maxAgeMillis = maxAge.toMillis();
        this.maxFutureMillis = maxFuture.toMillis();
    }

    @Override
    public Rejection check(MetricPoint point, long kafkaTimestamp) {
        String name = point.getName();
        if (name == null || name.isEmpty()) {
            return new Rejection("MISSING_FIELD", "name is empty");
        }
        if (!NAME.matcher(name).matches()) {
            return new Rejection("INVALID_FIELD", "name '" + name + "' does not match " + NAME);
        }
        for (Map.Entry<String, String> label : point.getLabels().entrySet()) {
            String key = label.getKey();
            if (key.length() > MAX_LABEL_KEY) {
                return new Rejection(
                        FieldLimits.REASON, "label key of " + key.length() + " characters, more than " + MAX_LABEL_KEY);
            }
            if (!LABEL_KEY.matcher(key).matches()) {
                return new Rejection("INVALID_FIELD", "label key '" + key + "' does not match " + LABEL_KEY);
            }
            if (label.getValue().length() > MAX_LABEL_VALUE) {
                return new Rejection(
                        FieldLimits.REASON,
                        "label " + key + " has a value of " + label.getValue().length() + " characters, more than "
                                + MAX_LABEL_VALUE);
            }
        }
        if (point.getKind() == MetricKind.GAUGE && MetricKinds.namedAsCounter(name)) {
            return new Rejection(
                    "INVALID_FIELD", "kind GAUGE on " + name + ": a name ending in _total or _count is a counter's");
        }
        if (!Double.isFinite(point.getValue())) {
            return new Rejection("INVALID_VALUE", "value " + point.getValue() + " is not a finite number");
        }
        return RecordValidator.eventTimeOutOfRange("ts", point.getTs(), kafkaTimestamp, maxAgeMillis, maxFutureMillis);
    }
}
