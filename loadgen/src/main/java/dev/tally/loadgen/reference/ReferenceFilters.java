package dev.tally.loadgen.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ad-click filters as the SPEC defines them, for the ground truth: filter 0 counts every click;
 * every other is a conjunction of {@code country}, {@code ip} and {@code user_id} conditions, each a
 * glob ({@code *} any run of characters) that a leading {@code !} negates; country ignores case; a
 * click without the field matches only a negated or all-{@code *} condition. Written apart from the
 * job's {@code ClickFilters} (regular expressions instead of its hand-made matcher): a truth that used
 * the job's own filter code could not catch its bugs. It trusts the file; the job validates it.
 */
public final class ReferenceFilters {

    private record Condition(boolean negated, boolean anything, Pattern glob) {
        boolean matches(String value) {
            if (value == null) {
                return negated || anything;
            }
            return glob.matcher(value).matches() != negated;
        }
    }

    private record Filter(int id, Condition country, Condition ip, Condition userId) {
        boolean matches(String countryValue, String ipValue, String userIdValue) {
            return (country == null || country.matches(countryValue))
                    && (ip == null || ip.matches(ipValue))
                    && (userId == null || userId.matches(userIdValue));
        }
    }

    private final List<Filter> filters;

    private ReferenceFilters(List<Filter> filters) {
        this.filters = filters;
    }

    /** Only filter 0. */
    public static ReferenceFilters allOnly() {
        return new ReferenceFilters(List.of());
    }

    public static ReferenceFilters load(Path yaml) {
        try {
            return parse(Files.readString(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + yaml, e);
        }
    }

    /** {@code filters: [{id, name, country, ip, user_id}, ...]}. */
    public static ReferenceFilters parse(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
        }
        TreeMap<Integer, Filter> byId = new TreeMap<>();
        if (root != null && root.has("filters")) {
            for (JsonNode node : root.get("filters")) {
                int id = node.get("id").asInt();
                byId.put(
                        id,
                        new Filter(
                                id,
                                condition(node, "country", true),
                                condition(node, "ip", false),
                                condition(node, "user_id", false)));
            }
        }
        return new ReferenceFilters(new ArrayList<>(byId.values()));
    }

    /** Ids of the filters a click with these fields matches, 0 first. */
    public int[] matching(String country, String ip, String userId) {
        int[] ids = new int[filters.size() + 1];
        int n = 1;
        for (Filter filter : filters) {
            if (filter.matches(country, ip, userId)) {
                ids[n++] = filter.id();
            }
        }
        return Arrays.copyOf(ids, n);
    }

    private static Condition condition(JsonNode filter, String key, boolean ignoreCase) {
        JsonNode value = filter.get(key);
        if (value == null) {
            return null;
        }
        String pattern = value.asText();
        boolean negated = pattern.startsWith("!");
        String glob = negated ? pattern.substring(1) : pattern;
        String regex = Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        return new Condition(
                negated, glob.chars().allMatch(c -> c == '*'), Pattern.compile(regex, flags | Pattern.DOTALL));
    }
}
