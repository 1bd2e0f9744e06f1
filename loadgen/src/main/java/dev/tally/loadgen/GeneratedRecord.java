package dev.tally.loadgen;

/** One Kafka record the generator produces: key, value bytes, Kafka timestamp, and what it is. */
public record GeneratedRecord(byte[] key, byte[] value, long timestamp, Kind kind) {

    /** What the generator meant the record to be. */
    public enum Kind {
        /** A valid, unique click. */
        CLICK,
        /** A valid, new match result (leaderboard). */
        RESULT,
        /** A valid result that replaces an earlier one of the same match and player with a higher revision (leaderboard). */
        CORRECTION,
        /** A second copy of an earlier record (same id and fields). */
        DUPLICATE,
        /** A valid record whose event time is far behind the stream: the job should route it to .late. */
        LATE,
        /** Bytes or fields the job must reject to the dead-letter topic. */
        MALFORMED
    }
}
