package dev.tally.loadgen;

/** One Kafka record the generator produces: key, value bytes, Kafka timestamp, and what it is. */
public record GeneratedRecord(byte[] key, byte[] value, long timestamp, Kind kind) {

    /** What the generator meant the record to be. */
    public enum Kind {
        /** A valid, unique click. */
        CLICK,
        /** A second copy of an earlier click (same click_id and fields). */
        DUPLICATE,
        /** A valid click whose event time is far behind the stream: the job should route it to .late. */
        LATE,
        /** Bytes or fields the job must reject to the dead-letter topic. */
        MALFORMED
    }
}
