package dev.tally.loadgen.metrics.reference;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert rule as the reference reads it, written from the SPEC's rule language apart from the job's
 * parser: {@code aggregation(metric{host=~"pattern"}[range]) by (by) op threshold}, or {@code
 * absent(metric{host=~"pattern"}[range]) by (by)} (no comparison: it holds when the alert's series have no
 * sample in the range), held {@code for}, kept firing {@code keepFiringFor} after it stops holding. Only
 * the parts the generator's episodes use.
 *
 * @param aggregation avg, max, increase, quantile or absent
 * @param q a quantile rule's q, in [0, 1]; NaN for the others
 * @param hostPattern a regular expression the whole {@code host} label must match, or null for every series
 * @param op {@code >} or {@code >=}; null for absent
 * @param threshold 1 for absent (its events' threshold)
 */
public record ReferenceAlertRule(
        String alert,
        String aggregation,
        double q,
        String metric,
        String hostPattern,
        int rangeMinutes,
        String by,
        String op,
        double threshold,
        int forMinutes,
        int keepFiringForMinutes,
        Map<String, String> labels) {

    public ReferenceAlertRule {
        if (!List.of("avg", "max", "increase", "quantile", "absent").contains(aggregation)) {
            throw new IllegalArgumentException(
                    "the reference knows avg, max, increase, quantile and absent, not " + aggregation);
        }
        if (aggregation.equals("absent") != (op == null) || (op == null && threshold != 1)) {
            throw new IllegalArgumentException("an absent rule and only it has no comparison, and its threshold is 1");
        }
        if (aggregation.equals("quantile") != !Double.isNaN(q)) {
            throw new IllegalArgumentException("a quantile rule and only it has a q, was " + q);
        }
        if (op != null && !op.equals(">") && !op.equals(">=")) {
            throw new IllegalArgumentException("the reference knows > and >=, not " + op);
        }
        labels = new TreeMap<>(labels);
    }

    /** The rule's expression in the rule language. */
    public String expr() {
        String selector = hostPattern == null ? metric : metric + "{host=~\"" + hostPattern + "\"}";
        String argument = aggregation.equals("quantile") ? q + ", " : "";
        String call = aggregation + "(" + argument + selector + "[" + rangeMinutes + "m]) by (" + by + ")";
        return isAbsent() ? call : call + " " + op + " " + threshold;
    }

    boolean isAbsent() {
        return aggregation.equals("absent");
    }

    boolean holds(double value) {
        return op.equals(">") ? value > threshold : value >= threshold;
    }

    /** The rules as a rules file: one group, Prometheus's layout. */
    public static String yaml(Iterable<ReferenceAlertRule> rules) {
        StringBuilder yaml = new StringBuilder("groups:\n  - name: tally-alert-episodes\n    rules:\n");
        for (ReferenceAlertRule r : rules) {
            yaml.append("      - alert: ").append(r.alert()).append('\n');
            yaml.append("        expr: '").append(r.expr()).append("'\n");
            yaml.append("        for: ").append(r.forMinutes()).append("m\n");
            yaml.append("        keep_firing_for: ")
                    .append(r.keepFiringForMinutes())
                    .append("m\n");
            if (!r.labels().isEmpty()) {
                yaml.append("        labels:\n");
                r.labels()
                        .forEach((k, v) -> yaml.append("          ")
                                .append(k)
                                .append(": ")
                                .append(v)
                                .append('\n'));
            }
        }
        return yaml.toString();
    }
}
