package dev.tally.loadgen.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.schema.adclick.AdClickEvent;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReferenceFiltersTest {

    private static final String FILTERS =
            """
            filters:
              - id: 1
                name: us
                country: US
              - id: 2
                name: non-us
                country: "!US"
              - id: 3
                name: office
                ip: "10.1.*"
              - id: 7
                name: test-users-outside-de
                user_id: "test-*-x"
                country: "!de"
              - id: 9
                name: no-country
                country: "!*"
            """;

    private final ReferenceFilters filters = ReferenceFilters.parse(FILTERS);

    @Test
    void matchesAsTheSpecSays() {
        assertThat(filters.matching("US", "1.2.3.4", "u1")).containsExactly(0, 1);
        assertThat(filters.matching("us", "10.1.0.9", "u1")).as("country ignores case").containsExactly(0, 1, 3);
        assertThat(filters.matching("FR", "10.2.0.9", "test-42-x")).containsExactly(0, 2, 7);
        assertThat(filters.matching("DE", "10.1.1.1", "test--x")).containsExactly(0, 2, 3);
        // Without a country: negations match, so does "!*" (clicks that carry none).
        assertThat(filters.matching(null, null, "u")).containsExactly(0, 2, 9);
        assertThat(ReferenceFilters.allOnly().matching("US", "ip", "u")).containsExactly(0);
    }

    /** The job's filters and the reference agree on random clicks: two implementations, one SPEC. */
    @Test
    void agreesWithTheJobsFiltersOnRandomClicks() {
        ClickFilters job = ClickFilters.parse(FILTERS);
        int[] buffer = job.newMatchBuffer();
        Random random = new Random(5);
        String[] countries = {"US", "us", "Us", "DE", "de", "FR", "", null};
        String[] ips = {"10.1.2.3", "10.1.", "10.2.1.1", "110.1.2.3", "", null};
        String[] users = {"test-1-x", "test--x", "test-x", "test-1-xy", "u-1", "", null};
        for (int i = 0; i < 2_000; i++) {
            AdClickEvent click = AdClickEvent.newBuilder()
                    .setClickId("c" + i)
                    .setAdId("ad")
                    .setClickTs(0)
                    .setCountry(countries[random.nextInt(countries.length)])
                    .setIp(ips[random.nextInt(ips.length)])
                    .setUserId(users[random.nextInt(users.length)])
                    .build();
            int n = job.matchCount(click, buffer);
            assertThat(filters.matching(click.getCountry(), click.getIp(), click.getUserId()))
                    .as("%s", click)
                    .containsExactly(Arrays.copyOf(buffer, n));
        }
    }

    @Test
    void minutesAreFloorsAlsoBefore1970() {
        assertThat(ReferenceTime.minuteOf(119_999)).isEqualTo(60_000);
        assertThat(ReferenceTime.minuteOf(-1)).isEqualTo(-60_000);
    }
}
