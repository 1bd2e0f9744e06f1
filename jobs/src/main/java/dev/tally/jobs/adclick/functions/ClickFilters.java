package dev.tally.jobs.adclick.functions;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tally.schema.adclick.AdClickEvent;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured click filters (the books' star-schema filters): filter 0 counts every click, the
 * others are conjunctions of glob conditions on country, ip and user_id.
 *
 * <p>A condition is a glob where {@code *} matches any run of characters (there is no escape), and
 * a leading {@code !} negates it. An absent condition matches everything. Country comparison ignores
 * case. A null field matches only an all-{@code *} pattern or a negated one, so {@code "!*"} selects
 * clicks that carry no value.
 */
public final class ClickFilters implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The id of the filter that every click matches. */
    public static final int ALL_CLICKS = 0;

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("filters");
    private static final Set<String> FILTER_KEYS = Set.of("id", "name", "country", "ip", "user_id");

    /** Filter 0 first, then ascending ids: the order {@link #matchCount} reports them in. */
    private final Filter[] filters;

    private ClickFilters(List<Filter> configured) {
        List<Filter> all = new ArrayList<>(configured.size() + 1);
        all.add(new Filter(ALL_CLICKS, "all", null, null, null));
        List<Filter> sorted = new ArrayList<>(configured);
        sorted.sort(Comparator.comparingInt(Filter::id));
        all.addAll(sorted);
        this.filters = all.toArray(new Filter[0]);
    }

    /** Only filter 0 (all clicks). */
    public static ClickFilters allOnly() {
        return new ClickFilters(List.of());
    }

    /** Reads and validates a filter file; errors name the file and the offending filter. */
    public static ClickFilters load(Path yaml) {
        String text;
        try {
            text = Files.readString(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read click filters from " + yaml, e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(yaml + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses filters from YAML ({@code filters: [{id, name, country, ip, user_id}, ...]}). An empty
     * document or an empty list means only filter 0.
     *
     * @throws IllegalArgumentException on malformed YAML, unknown keys, missing, duplicate, zero or
     *     negative ids, empty patterns, or a filter without any condition
     */
    public static ClickFilters parse(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("click filters are not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return allOnly();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("click filters must be a mapping with a 'filters' list");
        }
        rejectUnknownKeys(root, TOP_LEVEL_KEYS, "click filters");
        JsonNode list = root.path("filters");
        if (list.isMissingNode() || list.isNull()) {
            return allOnly();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("'filters' must be a list");
        }
        List<Filter> parsed = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        int position = 0;
        for (JsonNode node : list) {
            position++;
            Filter filter = parseFilter(node, position);
            if (!ids.add(filter.id())) {
                throw new IllegalArgumentException(
                        describe(position, filter.id(), filter.name()) + ": duplicate id " + filter.id());
            }
            parsed.add(filter);
        }
        return new ClickFilters(parsed);
    }

    private static Filter parseFilter(JsonNode node, int position) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    describe(position, null, null) + ": must be a mapping of id, name and conditions");
        }
        String name = null;
        JsonNode nameNode = node.get("name");
        if (nameNode != null && !nameNode.isNull()) {
            if (!nameNode.isValueNode() || nameNode.asText().isBlank()) {
                throw new IllegalArgumentException(
                        describe(position, null, null) + ": name must be a non-empty string");
            }
            name = nameNode.asText();
        }
        JsonNode idNode = node.get("id");
        if (idNode == null || idNode.isNull()) {
            throw new IllegalArgumentException(describe(position, null, name) + ": missing id");
        }
        if (!idNode.isIntegralNumber() || !idNode.canConvertToInt()) {
            throw new IllegalArgumentException(
                    describe(position, null, name) + ": id must be an integer, got '" + idNode.asText() + "'");
        }
        int id = idNode.intValue();
        String where = describe(position, id, name);
        if (id == ALL_CLICKS) {
            throw new IllegalArgumentException(where + ": id 0 is reserved for all clicks");
        }
        if (id < 0) {
            throw new IllegalArgumentException(where + ": id must be positive");
        }
        rejectUnknownKeys(node, FILTER_KEYS, where);

        Glob country = condition(node, "country", true, where);
        Glob ip = condition(node, "ip", false, where);
        Glob userId = condition(node, "user_id", false, where);
        if (country == null && ip == null && userId == null) {
            throw new IllegalArgumentException(
                    where + ": has no condition (give at least one of country, ip, user_id)");
        }
        return new Filter(id, name == null ? "filter-" + id : name, country, ip, userId);
    }

    private static Glob condition(JsonNode filter, String key, boolean ignoreCase, String where) {
        if (!filter.has(key)) {
            return null;
        }
        JsonNode value = filter.get(key);
        // YAML 1.1 reads an unquoted NO (Norway) or ON as a boolean: refuse rather than guess.
        if (value.isBoolean()) {
            throw new IllegalArgumentException(
                    where + ": " + key + " was read as a boolean (" + value.asText() + "); quote it");
        }
        if (value.isNull() || !value.isValueNode()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a non-empty pattern");
        }
        String pattern = value.asText();
        boolean negated = pattern.startsWith("!");
        String glob = negated ? pattern.substring(1) : pattern;
        if (glob.isBlank()) {
            throw new IllegalArgumentException(where + ": " + key + " pattern '" + pattern + "' is empty");
        }
        return new Glob(pattern, glob, negated, ignoreCase);
    }

    private static void rejectUnknownKeys(JsonNode node, Set<String> allowed, String where) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!allowed.contains(field.getKey())) {
                throw new IllegalArgumentException(where
                        + ": unknown key '"
                        + field.getKey()
                        + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList())
                        + ")");
            }
        }
    }

    private static String describe(int position, Integer id, String name) {
        StringBuilder s = new StringBuilder("filter #").append(position);
        if (id != null) {
            s.append(" (id ").append(id);
            if (name != null) {
                s.append(", '").append(name).append('\'');
            }
            s.append(')');
        } else if (name != null) {
            s.append(" ('").append(name).append("')");
        }
        return s.toString();
    }

    /** Number of filters including filter 0: the buffer size {@link #matchCount} needs. */
    public int size() {
        return filters.length;
    }

    /** A buffer large enough for {@link #matchCount}. */
    public int[] newMatchBuffer() {
        return new int[filters.length];
    }

    /**
     * Writes the ids of every filter {@code click} matches into {@code out}, filter 0 first, then
     * ascending ids, and returns how many it wrote. Allocates nothing.
     *
     * @param out at least {@link #size()} long
     */
    public int matchCount(AdClickEvent click, int[] out) {
        out[0] = ALL_CLICKS;
        int matched = 1;
        String country = click.getCountry();
        String ip = click.getIp();
        String userId = click.getUserId();
        for (int i = 1; i < filters.length; i++) {
            if (filters[i].matches(country, ip, userId)) {
                out[matched++] = filters[i].id;
            }
        }
        return matched;
    }

    /** The filters, filter 0 first, then ascending ids. */
    public List<Filter> filters() {
        return List.of(filters);
    }

    @Override
    public String toString() {
        return "ClickFilters" + List.of(filters);
    }

    /** One filter: a conjunction of optional conditions. */
    public static final class Filter implements Serializable {

        private static final long serialVersionUID = 1L;

        private final int id;
        private final String name;
        private final Glob country;
        private final Glob ip;
        private final Glob userId;

        private Filter(int id, String name, Glob country, Glob ip, Glob userId) {
            this.id = id;
            this.name = name;
            this.country = country;
            this.ip = ip;
            this.userId = userId;
        }

        public int id() {
            return id;
        }

        public String name() {
            return name;
        }

        boolean matches(String countryValue, String ipValue, String userIdValue) {
            return (country == null || country.matches(countryValue))
                    && (ip == null || ip.matches(ipValue))
                    && (userId == null || userId.matches(userIdValue));
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder().append(id).append(':').append(name);
            if (country != null) {
                s.append(" country=").append(country);
            }
            if (ip != null) {
                s.append(" ip=").append(ip);
            }
            if (userId != null) {
                s.append(" user_id=").append(userId);
            }
            return s.toString();
        }
    }

    /**
     * A compiled glob: the literal runs between {@code *}s, matched left to right with no regex and
     * no allocation. Leftmost-first matching of each run is enough because {@code *} is the only
     * wildcard.
     */
    static final class Glob implements Serializable {

        private static final long serialVersionUID = 1L;

        private final String source;
        private final boolean negated;
        private final boolean ignoreCase;
        private final boolean hasWildcard;
        private final boolean anchoredStart;
        private final boolean anchoredEnd;
        private final String[] literals;

        Glob(String source, String glob, boolean negated, boolean ignoreCase) {
            this.source = source;
            this.negated = negated;
            this.ignoreCase = ignoreCase;
            this.hasWildcard = glob.indexOf('*') >= 0;
            this.anchoredStart = !glob.startsWith("*");
            this.anchoredEnd = !glob.endsWith("*");
            List<String> runs = new ArrayList<>();
            for (String run : glob.split("\\*")) {
                if (!run.isEmpty()) {
                    runs.add(run);
                }
            }
            this.literals = runs.toArray(new String[0]);
        }

        boolean matches(String value) {
            if (value == null) {
                return negated || literals.length == 0;
            }
            return matchesGlob(value) != negated;
        }

        private boolean matchesGlob(String value) {
            if (!hasWildcard) {
                return ignoreCase ? value.equalsIgnoreCase(literals[0]) : value.equals(literals[0]);
            }
            int from = 0;
            int end = value.length();
            int first = 0;
            int last = literals.length - 1;
            if (anchoredStart) {
                String prefix = literals[first++];
                if (!value.regionMatches(ignoreCase, 0, prefix, 0, prefix.length())) {
                    return false;
                }
                from = prefix.length();
            }
            if (anchoredEnd) {
                String suffix = literals[last--];
                int at = end - suffix.length();
                if (at < from || !value.regionMatches(ignoreCase, at, suffix, 0, suffix.length())) {
                    return false;
                }
                end = at;
            }
            for (int i = first; i <= last; i++) {
                int at = indexOf(value, literals[i], from, end);
                if (at < 0) {
                    return false;
                }
                from = at + literals[i].length();
            }
            return true;
        }

        /** First occurrence of {@code run} inside value[from, end), or -1. */
        private int indexOf(String value, String run, int from, int end) {
            for (int at = from; at + run.length() <= end; at++) {
                if (value.regionMatches(ignoreCase, at, run, 0, run.length())) {
                    return at;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return source;
        }
    }
}
