package dev.tally.jobs.metrics.alerts;

import dev.tally.jobs.metrics.functions.Rollup;

/**
 * What one series' minute brings to one alert of one rule: the minute's rollup (without its sketch),
 * keyed by the rule and the alert's label set ({@link #key}). A POJO, so Flink serializes it without Kryo.
 */
public final class RuleSample {

    /** The rule's index and the alert's labels: {@code 3|{host="a"}}. */
    public String key;

    public int rule;
    /** The alert's labels (the rule's {@code by} labels of the series), as name, value, name, value, ... */
    public String[] groupLabels;

    public String series;
    public long minute;
    public Rollup rollup;

    public RuleSample() {}
}
