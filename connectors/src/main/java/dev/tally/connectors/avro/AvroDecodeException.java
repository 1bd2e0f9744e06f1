package dev.tally.connectors.avro;

/** Bytes that are not a readable record; {@link #reason()} says why in a form a dead-letter record keeps. */
public final class AvroDecodeException extends Exception {

    /** Why a value could not be decoded. */
    public enum Reason {
        /** No bytes at all (null or empty value). */
        EMPTY,
        /** Not Avro single-object encoding: the two marker bytes are wrong. */
        BAD_HEADER,
        /** The value ends before the header or the record is complete. */
        TRUNCATED,
        /** The header names a schema fingerprint this reader does not know. */
        UNKNOWN_SCHEMA,
        /** The body does not decode with the writer schema, or has bytes left over. */
        CORRUPT
    }

    private final Reason reason;

    public AvroDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public AvroDecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Stack traces of bad input are noise: the message says everything. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
