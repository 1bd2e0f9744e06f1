package dev.tally.jobs.leaderboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TournamentsTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void theLastMillisecondOfAMonthBelongsToIt() {
        assertThat(Tournaments.of("chess", at("2026-11-30T23:59:59.999Z"))).isEqualTo("chess#2026-11");
        assertThat(Tournaments.of("chess", at("2026-12-01T00:00:00Z"))).isEqualTo("chess#2026-12");
        assertThat(Tournaments.of("go", at("2026-01-31T12:00:00Z"))).isEqualTo("go#2026-01");
    }

    @Test
    void aMonthEndsAtTheFirstMillisecondOfTheNext() {
        assertThat(Tournaments.endOf(at("2026-11-30T23:59:59.999Z"))).isEqualTo(at("2026-12-01T00:00:00Z"));
        assertThat(Tournaments.endOf(at("2026-12-01T00:00:00Z"))).isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(Tournaments.endOf(at("2028-02-10T00:00:00Z"))).isEqualTo(at("2028-03-01T00:00:00Z"));
        // A tournament's own month, from its name alone (a state restored from before closeAt was kept).
        assertThat(Tournaments.startOf("chess#2026-12")).isEqualTo(at("2026-12-01T00:00:00Z"));
    }

    @Test
    void timesBeforeTheEpochAreInTheirOwnMonth() {
        assertThat(Tournaments.of("chess", at("1969-12-31T23:59:59.999Z"))).isEqualTo("chess#1969-12");
    }

    @Test
    void aTournamentIsWithinARangeOnlyWithItsWholeMonth() {
        long dec = at("2026-12-01T00:00:00Z");
        long jan = at("2027-01-01T00:00:00Z");
        assertThat(Tournaments.within("chess#2026-12", dec, jan)).isTrue();
        assertThat(Tournaments.within("chess#2026-12", dec - 1, jan + 1)).isTrue();
        assertThat(Tournaments.within("chess#2026-12", dec + 1, jan)).isFalse();
        assertThat(Tournaments.within("chess#2026-12", dec, jan - 1)).isFalse();
        // A game's name may hold anything but '#'; the month is what follows the last.
        assertThat(Tournaments.within("go-9x9#2026-11", dec, jan)).isFalse();
    }
}
