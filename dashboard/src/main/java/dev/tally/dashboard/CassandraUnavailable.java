package dev.tally.dashboard;

/** Cassandra cannot be reached right now; answered 503, and the next request tries again. */
public final class CassandraUnavailable extends RuntimeException {

    public CassandraUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
