package dev.tally.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Expected against actual, key by key: matched, missing, extra and wrong, with a few examples. */
public record Comparison(String what, long matched, long missing, long extra, long wrong, List<String> examples) {

    public static <K, V> Comparison of(String what, Map<K, V> expected, Map<K, V> actual) {
        long matched = 0;
        long missing = 0;
        long wrong = 0;
        long extra = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<K, V> e : expected.entrySet()) {
            V found = actual.get(e.getKey());
            if (found == null) {
                missing++;
                example(examples, "missing " + e.getKey() + " = " + e.getValue());
            } else if (Objects.equals(found, e.getValue())) {
                matched++;
            } else {
                wrong++;
                example(examples, "wrong " + e.getKey() + ": expected " + e.getValue() + ", got " + found);
            }
        }
        for (Map.Entry<K, V> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                extra++;
                example(examples, "extra " + e.getKey() + " = " + e.getValue());
            }
        }
        return new Comparison(what, matched, missing, extra, wrong, List.copyOf(examples));
    }

    public boolean exact() {
        return missing == 0 && extra == 0 && wrong == 0;
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 5) {
            examples.add(text);
        }
    }
}
