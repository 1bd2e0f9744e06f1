package dev.tally.jobs.metrics.alerts;

import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.RollupSeries;
import dev.tally.schema.metrics.MetricRollup;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** A minute rollup, once for every rule whose metric and matchers take its series, keyed by rule and alert labels. */
public final class MatchAlertRules implements FlatMapFunction<MetricRollup, RuleSample> {

    private final List<AlertRule> rules;

    public MatchAlertRules(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void flatMap(MetricRollup rollup, Collector<RuleSample> out) {
        if (!rollup.getResolution().equals(RollupSeries.MINUTE)) {
            return;
        }
        Map<String, String> labels = rollup.getLabels();
        Rollup minute = null;
        Rollup withSketch = null;
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            if (!rule.matches(rollup.getName(), labels)) {
                continue;
            }
            boolean sketched = rule.aggregation() == AlertRule.Aggregation.QUANTILE;
            if (sketched && withSketch == null) {
                withSketch = Rollup.of(rollup);
            } else if (!sketched && minute == null) {
                minute = Rollup.of(rollup);
                minute.sketch = null; // only quantile rules read the sketch: kept out of the others' state
            }
            RuleSample s = new RuleSample();
            Map<String, String> group = new TreeMap<>();
            for (String by : rule.by()) {
                String value = labels.get(by);
                if (value != null && !value.isEmpty()) {
                    group.put(by, value);
                }
            }
            s.groupLabels = new String[group.size() * 2];
            int at = 0;
            for (Map.Entry<String, String> e : group.entrySet()) {
                s.groupLabels[at++] = e.getKey();
                s.groupLabels[at++] = e.getValue();
            }
            s.rule = i;
            s.key = i + "|" + AlertEvents.labelsKey(group);
            s.series = rollup.getSeriesKey();
            s.minute = rollup.getBucketStart();
            s.rollup = sketched ? withSketch : minute;
            out.collect(s);
        }
    }
}
