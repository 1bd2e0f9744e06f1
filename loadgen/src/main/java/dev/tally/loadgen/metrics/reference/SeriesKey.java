package dev.tally.loadgen.metrics.reference;

import java.util.Map;
import java.util.TreeMap;

/**
 * The SPEC's series key, written from its text: the name, then the labels sorted by key inside braces,
 * each {@code key="value"} with {@code \} and {@code "} in the value escaped by a backslash, separated by
 * commas; a point without labels has the name alone.
 */
public final class SeriesKey {

    private SeriesKey() {}

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

    /** Whether {@code seriesKey} is a series of the metric {@code name} (the name alone, or with labels). */
    public static boolean isOf(String seriesKey, String name) {
        return seriesKey.equals(name) || seriesKey.startsWith(name + "{");
    }
}
