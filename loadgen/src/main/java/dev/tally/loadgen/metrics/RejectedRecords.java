package dev.tally.loadgen.metrics;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.loadgen.metrics.reference.SeriesKey;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records the job must dead-letter, each with one defect and the reason the job's README gives for
 * it: undecodable bytes (the decoder's reasons) in five ways, and points that decode but break one rule
 * in fourteen ways, each family in turn. Built from a real series' point, so a rejected record looks
 * like its neighbours but for the defect.
 */
final class RejectedRecords {

    /** The job's default {@code --max-event-future} and {@code --max-event-age}: event times outside are rejected. */
    static final long MAX_EVENT_FUTURE = 5 * 60_000L;

    static final long MAX_EVENT_AGE = 7 * 24 * 3_600_000L;

    /** A record to send and why the job rejects it. */
    record Rejected(byte[] key, byte[] value, String reason) {}

    private enum Undecodable {
        EMPTY,
        BAD_HEADER,
        TRUNCATED,
        UNKNOWN_SCHEMA,
        CORRUPT
    }

    private enum Invalid {
        NAN("INVALID_VALUE"),
        POSITIVE_INFINITY("INVALID_VALUE"),
        NEGATIVE_INFINITY("INVALID_VALUE"),
        TOO_MANY_LABELS("FIELD_TOO_LONG"),
        LONG_LABEL_VALUE("FIELD_TOO_LONG"),
        LONG_LABEL_KEY("FIELD_TOO_LONG"),
        LONG_NAME("FIELD_TOO_LONG"),
        EMPTY_NAME("MISSING_FIELD"),
        NAME_STARTS_WITH_DIGIT("INVALID_FIELD"),
        LABEL_KEY_WITH_DASH("INVALID_FIELD"),
        GAUGE_NAMED_TOTAL("INVALID_FIELD"),
        GAUGE_NAMED_COUNT("INVALID_FIELD"),
        TS_TOO_FAR_AHEAD("TIMESTAMP_OUT_OF_RANGE"),
        TS_TOO_OLD("TIMESTAMP_OUT_OF_RANGE");

        final String reason;

        Invalid(String reason) {
            this.reason = reason;
        }
    }

    private final AvroCodec<MetricPoint> codec;
    private long undecodable;
    private long invalid;

    RejectedRecords(AvroCodec<MetricPoint> codec) {
        this.codec = codec;
    }

    /** The next undecodable record, made from a valid point of the series. */
    Rejected undecodable(Series series, MetricPoint valid) {
        Undecodable kind = Undecodable.values()[(int) (undecodable++ % Undecodable.values().length)];
        byte[] good = codec.encode(valid);
        byte[] value = switch (kind) {
            case EMPTY -> new byte[0];
            // A producer that sent JSON instead of Avro.
            case BAD_HEADER ->
                String.format(
                                "{\"name\":\"%s\",\"ts\":%d,\"value\":%s}",
                                valid.getName(), valid.getTs(), valid.getValue())
                        .getBytes(StandardCharsets.UTF_8);
            // The marker and part of the fingerprint: shorter than the 10-byte header.
            case TRUNCATED -> Arrays.copyOf(good, 6);
            case UNKNOWN_SCHEMA -> {
                byte[] other = good.clone();
                for (int i = 2; i < 10; i++) {
                    other[i] ^= (byte) 0x5A;
                }
                yield other;
            }
            // A whole record and a byte more.
            case CORRUPT -> Arrays.copyOf(good, good.length + 1);
        };
        return new Rejected(series.keyBytes, value, decodeReason(kind));
    }

    /** The next decodable but invalid point, made from a valid point of the series sent when the newest ts was {@code front}. */
    Rejected invalid(MetricPoint valid, long front) {
        Invalid kind = Invalid.values()[(int) (invalid++ % Invalid.values().length)];
        MetricPoint.Builder p = MetricPoint.newBuilder(valid).setLabels(new TreeMap<>(valid.getLabels()));
        Map<String, String> labels = p.getLabels();
        switch (kind) {
            case NAN -> p.setValue(Double.NaN);
            case POSITIVE_INFINITY -> p.setValue(Double.POSITIVE_INFINITY);
            case NEGATIVE_INFINITY -> p.setValue(Double.NEGATIVE_INFINITY);
            case TOO_MANY_LABELS -> {
                for (int i = 0; labels.size() < 31; i++) {
                    labels.put("extra_" + i, "x");
                }
            }
            case LONG_LABEL_VALUE -> labels.put("note", "n".repeat(300));
            case LONG_LABEL_KEY -> labels.put("k".repeat(101), "x");
            case LONG_NAME -> p.setName("m".repeat(201));
            case EMPTY_NAME -> p.setName("");
            case NAME_STARTS_WITH_DIGIT -> p.setName("9" + valid.getName());
            case LABEL_KEY_WITH_DASH -> labels.put("build-id", "42");
            case GAUGE_NAMED_TOTAL -> p.setName(valid.getName() + "_total").setKind(MetricKind.GAUGE);
            case GAUGE_NAMED_COUNT -> p.setName(valid.getName() + "_count").setKind(MetricKind.GAUGE);
            // Ahead of the wall clock too: on an input topic with LogAppendTime the Kafka timestamp the
            // job compares with is the broker's now, not the generated stream's front.
            case TS_TOO_FAR_AHEAD ->
                p.setTs(Math.max(front, System.currentTimeMillis()) + MAX_EVENT_FUTURE + 10 * 60_000L);
            case TS_TOO_OLD -> p.setTs(front - MAX_EVENT_AGE - 3_600_000L);
        }
        MetricPoint point = p.build();
        byte[] key = SeriesKey.of(point.getName(), point.getLabels()).getBytes(StandardCharsets.UTF_8);
        return new Rejected(key, codec.encode(point), kind.reason);
    }

    private static String decodeReason(Undecodable kind) {
        return switch (kind) {
            case EMPTY -> AvroDecodeException.Reason.EMPTY.name();
            case BAD_HEADER -> AvroDecodeException.Reason.BAD_HEADER.name();
            case TRUNCATED -> AvroDecodeException.Reason.TRUNCATED.name();
            case UNKNOWN_SCHEMA -> AvroDecodeException.Reason.UNKNOWN_SCHEMA.name();
            case CORRUPT -> AvroDecodeException.Reason.CORRUPT.name();
        };
    }
}
