package dev.tally.loadgen;

/**
 * One Kafka record the generator produces: key, value bytes, Kafka timestamp, what it is, and the
 * partition it must go to (null: the producer's choice by key, as for every record but a few control ones).
 */
public record GeneratedRecord(byte[] key, byte[] value, long timestamp, Kind kind, Integer partition) {

    public GeneratedRecord(byte[] key, byte[] value, long timestamp, Kind kind) {
        this(key, value, timestamp, kind, null);
    }

    /** What the generator meant the record to be. */
    public enum Kind {
        /** A valid, unique click. */
        CLICK,
        /** A valid, new match result (leaderboard). */
        RESULT,
        /** A valid result that replaces an earlier one of the same match and player with a higher revision (leaderboard). */
        CORRECTION,
        /** A valid, new purchase (sales rank). */
        PURCHASE,
        /** A valid metric point (metrics): on time, a little delayed, or another value for an existing sample. */
        POINT,
        /** A second copy of an earlier record (same id and fields). */
        DUPLICATE,
        /** A valid record whose event time is far behind the stream: the job should route it to .late. */
        LATE,
        /** Bytes or fields the job must reject to the dead-letter topic. */
        MALFORMED,
        /** Not data: a record the generator adds to move the job's event time on (metrics' closing points). */
        CONTROL
    }
}
