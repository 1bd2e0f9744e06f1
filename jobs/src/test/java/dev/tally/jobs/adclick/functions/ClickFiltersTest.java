package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.schema.adclick.AdClickEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing, validation and matching of the configured click filters. */
class ClickFiltersTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z

    // ---- parsing ----

    @Test
    void emptyDocumentOrListMeansOnlyAllClicks() {
        for (String yaml : List.of("", "filters:", "filters: []", "# nothing\n")) {
            ClickFilters filters = ClickFilters.parse(yaml);
            assertThat(ids(filters)).as(yaml).containsExactly(0);
            assertThat(filters.size()).isEqualTo(1);
        }
        assertThat(ids(ClickFilters.allOnly())).containsExactly(0);
    }

    @Test
    void filtersAreListedFilterZeroFirstThenByAscendingId() {
        ClickFilters filters = ClickFilters.parse("""
                        filters:
                          - id: 7
                            country: FR
                          - id: 2
                            name: us
                            country: US
                          - id: 5
                            ip: "10.*"
                        """);
        assertThat(ids(filters)).containsExactly(0, 2, 5, 7);
        assertThat(filters.filters().stream().map(ClickFilters.Filter::name))
                .containsExactly("all", "us", "filter-5", "filter-7");
        assertThat(filters.size()).isEqualTo(4);
        assertThat(filters.newMatchBuffer()).hasSize(4);
    }

    @Test
    void aClickCountsInEveryFilterItMatchesInIdOrder() {
        ClickFilters filters = ClickFilters.parse("""
                        filters:
                          - id: 3
                            user_id: "bot-*"
                          - id: 1
                            country: US
                          - id: 2
                            country: GB
                        """);
        assertThat(matches(filters, click("US", "1.2.3.4", "bot-7"))).containsExactly(0, 1, 3);
        assertThat(matches(filters, click("GB", null, "u1"))).containsExactly(0, 2);
        assertThat(matches(filters, click(null, null, null))).containsExactly(0);
    }

    @Test
    void conditionsOfOneFilterAreAConjunction() {
        ClickFilters filters = ClickFilters.parse("""
                        filters:
                          - id: 1
                            country: US
                            ip: "10.*"
                            user_id: "!bot-*"
                        """);
        assertThat(matches(filters, click("US", "10.0.0.1", "u1"))).containsExactly(0, 1);
        assertThat(matches(filters, click("US", "10.0.0.1", null))).containsExactly(0, 1);
        assertThat(matches(filters, click("GB", "10.0.0.1", "u1"))).containsExactly(0);
        assertThat(matches(filters, click("US", "11.0.0.1", "u1"))).containsExactly(0);
        assertThat(matches(filters, click("US", "10.0.0.1", "bot-1"))).containsExactly(0);
    }

    @Test
    void filtersSurviveJavaSerialization() throws Exception {
        ClickFilters filters = ClickFilters.parse("filters:\n  - id: 1\n    country: \"u*\"\n    ip: \"!10.*\"\n");
        ClickFilters copy = InstantiationUtil.clone(filters);
        assertThat(ids(copy)).containsExactly(0, 1);
        assertThat(matches(copy, click("us", "192.168.0.1", null))).containsExactly(0, 1);
        assertThat(matches(copy, click("us", "10.0.0.1", null))).containsExactly(0);
    }

    // ---- matching: one condition at a time ----

    /** ip and user_id compare case-sensitively; {@code <null>} stands for an absent field. */
    @ParameterizedTest(name = "ip ''{0}'' vs {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
                    10.0.0.1     | 10.0.0.1     | true
                    10.0.0.1     | 10.0.0.10    | false
                    10.0.0.1     | 10.0.0.       | false
                    10.*         | 10.0.0.1     | true
                    10.*         | 10.          | true
                    10.*         | 110.0.0.1    | false
                    *.1          | 10.0.0.1     | true
                    *.1          | 10.0.0.12    | false
                    10.*.1       | 10.0.0.1     | true
                    10.*.1       | 10.1         | false
                    *0.0*        | 10.0.0.1     | true
                    *0.0*        | 1.2.3.4      | false
                    a*b*c        | abc          | true
                    a*b*c        | a-x-b-y-c    | true
                    a*b*c        | acb          | false
                    a*a          | a            | false
                    a*a          | aa           | true
                    ab*bc        | abc          | false
                    ab*bc        | abbc         | true
                    *            | anything     | true
                    *            | ''           | true
                    **           | x            | true
                    Ab*          | ab1          | false
                    !10.*        | 10.0.0.1     | false
                    !10.*        | 192.168.0.1  | true
                    !*           | 10.0.0.1     | false
                    10.*         | <null>       | false
                    10.0.0.1     | <null>       | false
                    *            | <null>       | true
                    ***          | <null>       | true
                    !*           | <null>       | true
                    !10.*        | <null>       | true
                    """)
    void ipGlob(String pattern, String ip, boolean expected) {
        ClickFilters filters = ClickFilters.parse(single("ip", pattern));
        assertThat(matches(filters, click("US", ip, "u1")))
                .containsExactlyElementsOf(expected ? List.of(0, 1) : List.of(0));
    }

    /** Country ignores case, in exact patterns, globs and negations alike. */
    @ParameterizedTest(name = "country ''{0}'' vs {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
                    US     | US     | true
                    US     | us     | true
                    us     | Us     | true
                    US     | USA    | false
                    US     | GB     | false
                    u*     | US     | true
                    U*     | uk     | true
                    *s     | US     | true
                    *S*    | gbs    | true
                    u*     | GB     | false
                    !US    | us     | false
                    !US    | GB     | true
                    !u*    | US     | false
                    US     | <null> | false
                    u*     | <null> | false
                    *      | <null> | true
                    !US    | <null> | true
                    !*     | <null> | true
                    !*     | US     | false
                    """)
    void countryGlob(String pattern, String country, boolean expected) {
        ClickFilters filters = ClickFilters.parse(single("country", pattern));
        assertThat(matches(filters, click(country, "1.2.3.4", "u1")))
                .containsExactlyElementsOf(expected ? List.of(0, 1) : List.of(0));
    }

    @Test
    void userIdIsCaseSensitive() {
        ClickFilters filters = ClickFilters.parse(single("user_id", "Bot-*"));
        assertThat(matches(filters, click("US", null, "Bot-1"))).containsExactly(0, 1);
        assertThat(matches(filters, click("US", null, "bot-1"))).containsExactly(0);
        assertThat(matches(filters, click("US", null, null))).containsExactly(0);
    }

    @Test
    void numericScalarsAreReadAsPatterns() {
        ClickFilters filters = ClickFilters.parse("filters:\n  - id: 1\n    user_id: 42\n");
        assertThat(matches(filters, click(null, null, "42"))).containsExactly(0, 1);
        assertThat(matches(filters, click(null, null, "420"))).containsExactly(0);
    }

    // ---- rejections, each with its exact message ----

    @Test
    void rejectsDuplicateId() {
        assertRejected("""
                filters:
                  - id: 1
                    name: us
                    country: US
                  - id: 1
                    name: gb
                    country: GB
                """, "filter #2 (id 1, 'gb'): duplicate id 1");
    }

    @Test
    void rejectsIdZero() {
        assertRejected(
                "filters:\n  - id: 0\n    name: all-again\n    country: US\n",
                "filter #1 (id 0, 'all-again'): id 0 is reserved for all clicks");
    }

    @Test
    void rejectsNegativeId() {
        assertRejected("filters:\n  - id: -3\n    country: US\n", "filter #1 (id -3): id must be positive");
    }

    @Test
    void rejectsMissingOrNonIntegerId() {
        assertRejected("filters:\n  - name: us\n    country: US\n", "filter #1 ('us'): missing id");
        assertRejected("filters:\n  - id: one\n    country: US\n", "filter #1: id must be an integer, got 'one'");
        assertRejected("filters:\n  - id: 1.5\n    country: US\n", "filter #1: id must be an integer, got '1.5'");
        assertRejected(
                "filters:\n  - id: 4294967296\n    country: US\n",
                "filter #1: id must be an integer, got '4294967296'");
    }

    @Test
    void rejectsUnknownKeys() {
        assertRejected(
                "filters:\n  - id: 1\n    name: x\n    city: Paris\n",
                "filter #1 (id 1, 'x'): unknown key 'city' (allowed: country, id, ip, name, user_id)");
        assertRejected(
                "filter:\n  - id: 1\n    country: US\n", "click filters: unknown key 'filter' (allowed: filters)");
    }

    @Test
    void rejectsEmptyPatterns() {
        assertRejected("filters:\n  - id: 1\n    country: \"\"\n", "filter #1 (id 1): country pattern '' is empty");
        assertRejected("filters:\n  - id: 1\n    ip: \"!\"\n", "filter #1 (id 1): ip pattern '!' is empty");
        assertRejected("filters:\n  - id: 1\n    user_id: \"  \"\n", "filter #1 (id 1): user_id pattern '  ' is empty");
        assertRejected("filters:\n  - id: 1\n    country:\n", "filter #1 (id 1): country must be a non-empty pattern");
        assertRejected("filters:\n  - id: 1\n    ip: [a, b]\n", "filter #1 (id 1): ip must be a non-empty pattern");
    }

    @Test
    void rejectsFilterWithoutCondition() {
        assertRejected(
                "filters:\n  - id: 1\n    name: nothing\n",
                "filter #1 (id 1, 'nothing'): has no condition (give at least one of country, ip, user_id)");
    }

    @Test
    void rejectsCountryReadAsBoolean() {
        assertRejected(
                "filters:\n  - id: 1\n    country: false\n",
                "filter #1 (id 1): country was read as a boolean (false); quote it");
        // YAML 1.1: an unquoted NO (Norway) is a boolean too.
        assertRejected(
                "filters:\n  - id: 1\n    country: NO\n",
                "filter #1 (id 1): country was read as a boolean (false); quote it");
        assertThat(ids(ClickFilters.parse("filters:\n  - id: 1\n    country: \"NO\"\n")))
                .containsExactly(0, 1);
    }

    @Test
    void rejectsMalformedDocuments() {
        assertRejected("- a\n- b\n", "click filters must be a mapping with a 'filters' list");
        assertRejected("filters: US\n", "'filters' must be a list");
        assertRejected("filters:\n  - 5\n", "filter #1: must be a mapping of id, name and conditions");
        assertRejected(
                "filters:\n  - id: 1\n    name: \" \"\n    country: US\n",
                "filter #1: name must be a non-empty string");
        assertThatThrownBy(() -> ClickFilters.parse("filters: [\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("click filters are not valid YAML: ");
    }

    @Test
    void loadNamesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), single("country", "US"));
        assertThat(ids(ClickFilters.load(good))).containsExactly(0, 1);

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "filters:\n  - id: 0\n    ip: x\n");
        assertThatThrownBy(() -> ClickFilters.load(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(bad + ": filter #1 (id 0): id 0 is reserved for all clicks");
    }

    // ---- helpers ----

    private static void assertRejected(String yaml, String message) {
        assertThatThrownBy(() -> ClickFilters.parse(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    /** One filter, id 1, with one condition whose pattern is double-quoted YAML. */
    private static String single(String key, String pattern) {
        return "filters:\n  - id: 1\n    " + key + ": \"" + pattern + "\"\n";
    }

    private static List<Integer> ids(ClickFilters filters) {
        return filters.filters().stream().map(ClickFilters.Filter::id).toList();
    }

    private static List<Integer> matches(ClickFilters filters, AdClickEvent click) {
        int[] out = filters.newMatchBuffer();
        int n = filters.matchCount(click, out);
        return Arrays.stream(out, 0, n).boxed().toList();
    }

    private static AdClickEvent click(String country, String ip, String userId) {
        return AdClickEvent.newBuilder()
                .setClickId("c1")
                .setAdId("ad1")
                .setClickTs(T0)
                .setCountry(country)
                .setIp(ip)
                .setUserId(userId)
                .build();
    }
}
