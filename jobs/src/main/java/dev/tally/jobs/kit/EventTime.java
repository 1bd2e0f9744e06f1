package dev.tally.jobs.kit;

import java.io.Serializable;

/** A record's event time in epoch milliseconds: what its watermarks, windows and archive hour follow. */
@FunctionalInterface
public interface EventTime<T> extends Serializable {
    long of(T record);
}
