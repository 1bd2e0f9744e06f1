package dev.tally.jobs.metrics.functions;

import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical key of a series: {@code name{k1="v1",k2="v2"}}, labels sorted by key, {@code \} and
 * {@code "} in values escaped; a series without labels is its name alone. Names and label keys are
 * validated to hold none of the key's punctuation, so the key parses back into name and labels.
 */
public final class SeriesKeys {

    private SeriesKeys() {}

    /** A series' name and labels, as its key says. */
    public record Series(String name, Map<String, String> labels) {}

    public static String of(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder key = new StringBuilder(name.length() + 24 * labels.size())
                .append(name)
                .append('{');
        boolean first = true;
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            if (!first) {
                key.append(',');
            }
            first = false;
            key.append(label.getKey()).append("=\"");
            String value = label.getValue();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' || c == '"') {
                    key.append('\\');
                }
                key.append(c);
            }
            key.append('"');
        }
        return key.append('}').toString();
    }

    /** The metric name of a series key, without parsing its labels. */
    public static String nameOf(String key) {
        int open = key.indexOf('{');
        return open < 0 ? key : key.substring(0, open);
    }

    public static Series parse(String key) {
        int open = key.indexOf('{');
        if (open < 0) {
            return new Series(key, Map.of());
        }
        Map<String, String> labels = new TreeMap<>();
        int i = open + 1;
        while (key.charAt(i) != '}') {
            int equals = key.indexOf('=', i);
            String label = key.substring(i, equals);
            StringBuilder value = new StringBuilder();
            int j = equals + 2; // past ="
            for (char c = key.charAt(j); c != '"'; c = key.charAt(j)) {
                if (c == '\\') {
                    j++;
                    c = key.charAt(j);
                }
                value.append(c);
                j++;
            }
            labels.put(label, value.toString());
            i = key.charAt(j + 1) == ',' ? j + 2 : j + 1;
        }
        return new Series(key.substring(0, open), labels);
    }
}
