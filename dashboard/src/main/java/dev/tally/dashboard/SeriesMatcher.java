package dev.tally.dashboard;

import dev.tally.jobs.metrics.functions.SeriesKeys;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which series a request means: a metric name (or any, when null) and labels that must equal given
 * values. A key is parsed back into name and labels ({@link SeriesKeys#parse}) before it is compared,
 * so matching follows the job's own keying rather than a string pattern on the key.
 *
 * <p>The {@code match} parameter is {@code k=v,k2=v2}; a value holding {@code ,} or {@code "} is
 * quoted, with {@code \} and {@code "} escaped by a backslash as in the series key:
 * {@code path="/a,b"}. A series without a matched label does not match.
 */
record SeriesMatcher(String name, Map<String, String> labels) {

    /** The job's rules for names and label keys ({@code MetricValidator}): anything else cannot be in a key. */
    static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:.]{0,199}");

    static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,99}");
    /** The job dead-letters points with more labels than this, so a longer matcher matches nothing. */
    static final int MAX_LABELS = 30;

    SeriesMatcher {
        labels = Collections.unmodifiableMap(new TreeMap<>(labels)); // sorted, as in the key
    }

    /** A matcher over {@code name} (null: every name) from a {@code match} parameter (null or empty: any labels). */
    static SeriesMatcher parse(String name, String match) {
        if (name != null && !NAME.matcher(name).matches()) {
            throw new BadParameter(
                    "name", "must be a metric name of at most 200 characters matching [a-zA-Z_:][a-zA-Z0-9_:.]*");
        }
        return new SeriesMatcher(name, match == null || match.isEmpty() ? Map.of() : labels(match));
    }

    /** Whether the series of {@code key} has this name and every label given; false for a key that does not parse. */
    boolean matches(String key) {
        if (name != null && !(key.equals(name) || key.startsWith(name + "{"))) {
            return false; // cheap reject before parsing; also keeps cpu.load.idle out of cpu.load
        }
        SeriesKeys.Series series;
        try {
            series = SeriesKeys.parse(key);
        } catch (RuntimeException e) {
            return false;
        }
        return matches(series);
    }

    boolean matches(SeriesKeys.Series series) {
        if (name != null && !name.equals(series.name())) {
            return false;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getValue().equals(series.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> labels(String match) {
        Map<String, String> labels = new TreeMap<>();
        int i = 0;
        while (true) {
            int equals = match.indexOf('=', i);
            if (equals < 0) {
                throw bad("each label must be given as key=value, separated by commas");
            }
            String key = match.substring(i, equals);
            if (!LABEL_KEY.matcher(key).matches()) {
                throw bad("label key '" + key + "' must match [a-zA-Z_][a-zA-Z0-9_]* (at most 100 characters)");
            }
            StringBuilder value = new StringBuilder();
            int j = equals + 1;
            if (j < match.length() && match.charAt(j) == '"') {
                j++;
                while (true) {
                    if (j >= match.length()) {
                        throw bad("the quoted value of '" + key + "' has no closing quote");
                    }
                    char c = match.charAt(j++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (j >= match.length()) {
                            throw bad("the quoted value of '" + key + "' ends in a lone backslash");
                        }
                        c = match.charAt(j++);
                    }
                    value.append(c);
                }
            } else {
                while (j < match.length() && match.charAt(j) != ',') {
                    char c = match.charAt(j++);
                    if (c == '"') {
                        throw bad("the value of '" + key
                                + "' holds a quote: quote the whole value, escaping \\ and \" with a backslash");
                    }
                    value.append(c);
                }
            }
            if (labels.put(key, value.toString()) != null) {
                throw bad("label '" + key + "' is given twice");
            }
            if (labels.size() > MAX_LABELS) {
                throw bad("at most " + MAX_LABELS + " labels (a series has no more)");
            }
            if (j == match.length()) {
                return labels;
            }
            if (match.charAt(j) != ',') {
                throw bad("after the quoted value of '" + key + "' a comma or the end must follow");
            }
            i = j + 1;
        }
    }

    private static BadParameter bad(String rule) {
        return new BadParameter("match", "is k=v,k2=v2: " + rule);
    }
}
