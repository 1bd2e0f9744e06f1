package dev.tally.jobs.metrics.alerts;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One alert rule of the rules file: {@code agg(metric{matchers}[range]) [by (labels)] op threshold} or
 * {@code absent(metric{matchers}[range]) [by (labels)]}, held
 * for {@code for} before it fires and kept firing {@code keepFiringFor} after it stops holding. Parsed by
 * {@link AlertRules}; evaluated by {@link EvaluateAlerts} at every minute close over minute rollups.
 *
 * @param alert the alert's name, unique in the file
 * @param quantile q of a {@code quantile} rule, in [0, 1]; NaN for the others
 * @param expr the expression as written, for messages and the dashboard
 * @param rangeMillis whole minutes: the minutes whose start is in {@code [T - range, T)} at the evaluation of minute end T
 * @param by the labels that split the matching series into alerts; empty: one alert for all of them
 * @param labels added to every alert of the rule (over a series label of the same name); {@code severity} among them
 */
public record AlertRule(
        String alert,
        String expr,
        Aggregation aggregation,
        double quantile,
        String metric,
        List<LabelMatcher> matchers,
        long rangeMillis,
        List<String> by,
        Comparison comparison,
        double threshold,
        long forMillis,
        long keepFiringForMillis,
        Map<String, String> labels)
        implements Serializable {

    /** What an expression computes over the samples of its range. */
    public enum Aggregation {
        /** Sum of the samples over their count (never an average of averages). */
        AVG,
        SUM,
        MIN,
        MAX,
        /** How many samples. */
        COUNT,
        /** The sample with the latest timestamp (of equal ones, the largest). */
        LAST,
        /** Counters only: the exact increase over the range's samples (a drop is a reset: it adds the new value). */
        INCREASE,
        /** The increase per second of the range. */
        RATE,
        /** The q-quantile of the samples, from the minutes' merged percentile sketches (within their 1%). */
        QUANTILE,
        /**
         * 1 when none of the alert's series has a sample in the range, else 0; the rule holds at 1 (written
         * {@code absent(metric{matchers}[range]) [by (labels)]}, without a comparison).
         */
        ABSENT
    }

    public enum Comparison {
        GT(">"),
        GE(">="),
        LT("<"),
        LE("<="),
        EQ("=="),
        NE("!=");

        public final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        public boolean test(double value, double threshold) {
            return switch (this) {
                case GT -> value > threshold;
                case GE -> value >= threshold;
                case LT -> value < threshold;
                case LE -> value <= threshold;
                case EQ -> value == threshold;
                case NE -> value != threshold;
            };
        }

        static Comparison of(String symbol) {
            for (Comparison c : values()) {
                if (c.symbol.equals(symbol)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown comparison " + symbol);
        }
    }

    /** {@code label="value"}, {@code !=}, {@code =~} (a whole-value regex) or {@code !~}; a missing label is "". */
    public record LabelMatcher(String label, String op, String value, Pattern regex) implements Serializable {

        public static LabelMatcher of(String label, String op, String value) {
            Pattern regex = op.endsWith("~") ? Pattern.compile(value) : null;
            return new LabelMatcher(label, op, value, regex);
        }

        public boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> regex.matcher(actual).matches();
                case "!~" -> !regex.matcher(actual).matches();
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** Whether a series of this name and labels is one the rule aggregates. */
    public boolean matches(String name, Map<String, String> seriesLabels) {
        if (!metric.equals(name)) {
            return false;
        }
        for (LabelMatcher m : matchers) {
            if (!m.matches(seriesLabels)) {
                return false;
            }
        }
        return true;
    }
}
