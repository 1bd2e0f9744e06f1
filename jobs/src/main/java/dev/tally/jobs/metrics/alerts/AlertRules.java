package dev.tally.jobs.metrics.alerts;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads an alert rules file in Prometheus's layout:
 *
 * <pre>
 * groups:
 *   - name: hosts
 *     rules:
 *       - alert: HostOverloaded
 *         expr: avg(cpu_load{pool="web"}[5m]) by (host) &gt; 0.9
 *         for: 3m
 *         keep_firing_for: 2m
 *         labels: {severity: page}
 * </pre>
 *
 * An expression is {@code agg(metric{matchers}[range]) [by (labels)] op threshold}, agg one of avg, sum,
 * min, max, count, last, increase, rate, or {@code quantile(q, metric{matchers}[range])} with q in [0, 1]
 * (from the rollups' percentile sketches); or {@code absent(metric{matchers}[range]) [by (labels)]}, which
 * holds when none of the alert's series has a sample in the range. The range is whole minutes (rules are
 * evaluated on minute rollups).
 * Errors name the rule and what is wrong.
 */
public final class AlertRules {

    private static final Set<String> TOP_KEYS = Set.of("groups");
    private static final Set<String> GROUP_KEYS = Set.of("name", "rules");
    private static final Set<String> RULE_KEYS = Set.of("alert", "expr", "for", "keep_firing_for", "labels");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern EXPR = Pattern.compile(
            "\\s*(avg|sum|min|max|count|last|increase|rate|quantile|absent)\\s*\\(\\s*(?:([^,(\\s]+)\\s*,\\s*)?([a-zA-Z_:][a-zA-Z0-9_:.]*)"
                    + "\\s*(?:\\{(.*)\\})?\\s*"
                    + "\\[\\s*([0-9a-z]+)\\s*\\]\\s*\\)\\s*(?:by\\s*\\(([^)]*)\\)\\s*)?(?:(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*)?");
    private static final Pattern MATCHER =
            Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private AlertRules() {}

    public static List<AlertRule> load(Path yaml) {
        String text;
        try {
            text = Files.readString(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read alert rules from " + yaml, e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(yaml + ": " + e.getMessage(), e);
        }
    }

    /** The rules of a YAML document; an empty document has none. */
    public static List<AlertRule> parse(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("alert rules are not valid YAML: " + e.getOriginalMessage(), e);
        }
        List<AlertRule> rules = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return rules;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("alert rules must be a mapping with a 'groups' list");
        }
        rejectUnknown(root, TOP_KEYS, "the rules file");
        Set<String> names = new HashSet<>();
        for (JsonNode group : list(root.path("groups"), "'groups'")) {
            String groupName = group.path("name").asText("");
            rejectUnknown(group, GROUP_KEYS, "group '" + groupName + "'");
            for (JsonNode node : list(group.path("rules"), "group '" + groupName + "' rules")) {
                AlertRule rule = rule(node);
                if (!names.add(rule.alert())) {
                    throw new IllegalArgumentException("alert '" + rule.alert() + "' is defined twice");
                }
                rules.add(rule);
            }
        }
        return rules;
    }

    private static AlertRule rule(JsonNode node) {
        String alert = node.path("alert").asText("");
        String where = "alert '" + alert + "'";
        if (!NAME.matcher(alert).matches()) {
            throw new IllegalArgumentException("a rule's alert must be a name like HostDown, was '" + alert + "'");
        }
        rejectUnknown(node, RULE_KEYS, where);
        String expr = node.path("expr").asText("");
        long forMillis = node.has("for") ? duration(node.get("for").asText(), where + " for") : 0;
        long keepMillis = node.has("keep_firing_for")
                ? duration(node.get("keep_firing_for").asText(), where + " keep_firing_for")
                : 0;
        Map<String, String> labels = new TreeMap<>();
        JsonNode labelNode = node.path("labels");
        if (!labelNode.isMissingNode() && !labelNode.isNull()) {
            if (!labelNode.isObject()) {
                throw new IllegalArgumentException(where + ": labels must be a mapping");
            }
            labelNode
                    .properties()
                    .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        try {
            return expression(alert, expr, forMillis, keepMillis, labels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** The rule of one expression. */
    public static AlertRule expression(
            String alert, String expr, long forMillis, long keepFiringForMillis, Map<String, String> labels) {
        Matcher m = EXPR.matcher(expr);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expr '" + expr + "' is not agg(metric{matchers}[range]) [by (labels)] op threshold"
                            + " (agg: avg, sum, min, max, count, last, increase, rate, or quantile(q, ...); op: > >= < <= == !=)"
                            + " nor absent(metric{matchers}[range]) [by (labels)]");
        }
        AlertRule.Aggregation aggregation =
                AlertRule.Aggregation.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        double quantile = Double.NaN;
        if (aggregation == AlertRule.Aggregation.QUANTILE) {
            if (m.group(2) == null) {
                throw new IllegalArgumentException("quantile's q must be given: quantile(0.99, metric[5m])");
            }
            quantile = number(m.group(2), "quantile's q");
            if (quantile < 0 || quantile > 1) {
                throw new IllegalArgumentException("quantile's q must be between 0 and 1, was " + m.group(2));
            }
        } else if (m.group(2) != null) {
            throw new IllegalArgumentException(
                    m.group(1) + " takes no argument before the metric, got '" + m.group(2) + "'");
        }
        List<AlertRule.LabelMatcher> matchers = matchers(m.group(4) == null ? "" : m.group(4));
        long range = duration(m.group(5), "the range");
        if (range < 60_000 || range % 60_000 != 0) {
            throw new IllegalArgumentException(
                    "the range must be whole minutes (rules run on minute rollups), was " + m.group(5));
        }
        List<String> by = new ArrayList<>();
        if (m.group(6) != null) {
            for (String label : m.group(6).split(",")) {
                String l = label.trim();
                if (!NAME.matcher(l).matches()) {
                    throw new IllegalArgumentException("'by' takes label names, got '" + l + "'");
                }
                by.add(l);
            }
        }
        boolean absent = aggregation == AlertRule.Aggregation.ABSENT;
        if (absent && m.group(7) != null) {
            throw new IllegalArgumentException("absent(...) takes no comparison: it holds when no series of the"
                    + " alert has a sample in the range, got '" + m.group(7) + " " + m.group(8) + "'");
        }
        if (!absent && m.group(7) == null) {
            throw new IllegalArgumentException("expr '" + expr + "' has no comparison (op threshold, e.g. > 0.9)");
        }
        double threshold = absent ? 1 : number(m.group(8), "the threshold");
        return new AlertRule(
                alert,
                expr.trim(),
                aggregation,
                quantile,
                m.group(3),
                List.copyOf(matchers),
                range,
                List.copyOf(by),
                absent ? AlertRule.Comparison.EQ : AlertRule.Comparison.of(m.group(7)),
                threshold,
                forMillis,
                keepFiringForMillis,
                Map.copyOf(labels));
    }

    private static double number(String text, String what) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, was '" + text + "'");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite");
        }
        return value;
    }

    private static List<AlertRule.LabelMatcher> matchers(String text) {
        List<AlertRule.LabelMatcher> matchers = new ArrayList<>();
        if (text.isBlank()) {
            return matchers;
        }
        Matcher m = MATCHER.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            String value = m.group(3).replace("\\\"", "\"").replace("\\\\", "\\");
            try {
                matchers.add(AlertRule.LabelMatcher.of(m.group(1), m.group(2), value));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "the regex of label " + m.group(1) + " is invalid: " + e.getDescription());
            }
            at = m.end();
        }
        if (at < text.length()) {
            throw new IllegalArgumentException(
                    "label matchers must be label=\"value\" (or !=, =~, !~), separated by commas: '" + text + "'");
        }
        return matchers;
    }

    /** A Prometheus duration: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 0s}. */
    public static long duration(String text, String what) {
        Matcher m = DURATION_PART.matcher(text.trim());
        long millis = 0;
        int at = 0;
        String s = text.trim();
        while (m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                default -> n * 604_800_000;
            };
            at = m.end();
        }
        if (at == 0 || at < s.length()) {
            throw new IllegalArgumentException(what + " must be a duration like 30s, 5m or 1h30m, was '" + text + "'");
        }
        return millis;
    }

    private static Iterable<JsonNode> list(JsonNode node, String what) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(what + " must be a list");
        }
        return node;
    }

    private static void rejectUnknown(JsonNode node, Set<String> known, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        where + ": unknown key '" + key + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }
}
