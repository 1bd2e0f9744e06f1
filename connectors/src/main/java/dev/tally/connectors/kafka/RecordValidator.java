package dev.tally.connectors.kafka;

import java.io.Serializable;

/** Checks a decoded record; returns null when it is acceptable, else the reason it is not. */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    Rejection check(T record, long kafkaTimestamp);

    /** Why a decoded record is rejected: a stable code and a readable detail. */
    record Rejection(String reason, String detail) {}
}
