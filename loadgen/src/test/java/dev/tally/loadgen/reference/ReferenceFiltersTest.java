package dev.tally.loadgen.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference filters against the SPEC's rules, with the expected matches worked out by hand: a
 * click counts in filter 0 and in every filter whose conditions all hold; a condition is a glob
 * ({@code *} any run, also empty) that a leading {@code !} negates; country ignores case; a click
 * without the field matches only a negated or all-{@code *} condition.
 */
class ReferenceFiltersTest {

    private static final String FILTERS = """
            filters:
              - id: 7
                name: test-users-outside-de
                user_id: "test-*-x"
                country: "!de"
              - id: 1
                name: us
                country: US
              - id: 2
                name: non-us
                country: "!US"
              - id: 3
                name: office
                ip: "10.1.*"
              - id: 9
                name: no-country
                country: "!*"
              - id: 11
                name: any-ip
                ip: "*"
            """;

    private final ReferenceFilters filters = ReferenceFilters.parse(FILTERS);

    @ParameterizedTest(name = "country={0} ip={1} user={2} -> {3}")
    @CsvSource(
            nullValues = "NULL",
            value = {
                // country ignores case; ip and user_id do not
                "US,    1.2.3.4,  u1,         0 1 11",
                "us,    10.1.0.9, u1,         0 1 3 11",
                "Us,    10.1.,    u1,         0 1 3 11",
                "FR,    10.2.0.9, test-42-x,  0 2 7 11",
                // '*' matches an empty run; '!de' excludes DE in any case
                "DE,    10.1.1.1, test--x,    0 2 3 11",
                "de,    10.1.1.1, test-1-x,   0 2 3 11",
                // a glob matches the whole value, not a part of it
                "FR,    110.1.2.3, test-1-xy, 0 2 11",
                "FR,    10.1.2.3, TEST-1-X,   0 2 3 11",
                // without a field: negated conditions and all-'*' ones match, others do not
                "NULL,  NULL,     u,          0 2 9 11",
                "NULL,  10.1.2.3, NULL,       0 2 3 9 11",
                "'',    '',       '',         0 2 11",
            })
    void matchesAsTheSpecSays(String country, String ip, String userId, String expected) {
        int[] ids = java.util.Arrays.stream(expected.trim().split("\\s+"))
                .mapToInt(Integer::parseInt)
                .toArray();
        assertThat(filters.matching(country, ip, userId)).containsExactly(ids);
    }

    @Test
    void filterZeroAloneWithoutAFile() {
        assertThat(ReferenceFilters.allOnly().matching("US", "ip", "u")).containsExactly(0);
        assertThat(ReferenceFilters.parse("").matching(null, null, null)).containsExactly(0);
    }

    @Test
    void minutesAreFloorsAlsoBefore1970() {
        assertThat(ReferenceTime.minuteOf(119_999)).isEqualTo(60_000);
        assertThat(ReferenceTime.minuteOf(120_000)).isEqualTo(120_000);
        assertThat(ReferenceTime.minuteOf(-1)).isEqualTo(-60_000);
    }
}
