package dev.tally.jobs.kit;

import java.io.Serializable;

/** A record's event time in epoch milliseconds: what its windows and archive hour follow. */
@FunctionalInterface
public interface EventTime<T> extends Serializable {
    long of(T record);

    /** The record's timestamp in the stream, which watermarks and timers follow: its event time, unless the job says otherwise. */
    default long timestamp(T record) {
        return of(record);
    }
}
