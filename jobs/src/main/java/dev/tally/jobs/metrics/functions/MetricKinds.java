package dev.tally.jobs.metrics.functions;

import dev.tally.schema.metrics.MetricKind;

/** A point's kind: its own, else what its name says (Prometheus's naming: {@code _total}, {@code _count} are counters). */
public final class MetricKinds {

    private MetricKinds() {}

    public static boolean namedAsCounter(String name) {
        return name.endsWith("_total") || name.endsWith("_count");
    }

    public static boolean isCounter(String name, MetricKind kind) {
        return kind == null ? namedAsCounter(name) : kind == MetricKind.COUNTER;
    }
}
