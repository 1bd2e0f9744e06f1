package dev.tally.connectors.kafka;

import java.io.Serializable;
import java.time.Duration;

/** Checks a decoded record; returns null when it is acceptable, else the reason it is not. */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    Rejection check(T record, long kafkaTimestamp);

    /** Why a decoded record is rejected: a stable code and a readable detail. */
    record Rejection(String reason, String detail) {}

    /**
     * TIMESTAMP_OUT_OF_RANGE when the event time {@code ts} (the record's field {@code field}) is more than {@code maxAgeMillis} before or
     * {@code maxFutureMillis} after the record's Kafka timestamp (the broker's append time on the input
     * topics, so a replay from Kafka judges as the live run did); null when it is within, or the record
     * has no Kafka timestamp (negative).
     */
    static Rejection eventTimeOutOfRange(
            String field, long ts, long kafkaTimestamp, long maxAgeMillis, long maxFutureMillis) {
        if (kafkaTimestamp < 0) {
            return null;
        }
        if (ts < kafkaTimestamp - maxAgeMillis) {
            return new Rejection(
                    "TIMESTAMP_OUT_OF_RANGE",
                    field + " " + ts + " is more than " + Duration.ofMillis(maxAgeMillis)
                            + " before the Kafka timestamp " + kafkaTimestamp);
        }
        if (ts > kafkaTimestamp + maxFutureMillis) {
            return new Rejection(
                    "TIMESTAMP_OUT_OF_RANGE",
                    field + " " + ts + " is more than " + Duration.ofMillis(maxFutureMillis)
                            + " after the Kafka timestamp " + kafkaTimestamp);
        }
        return null;
    }
}
