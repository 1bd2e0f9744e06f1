package dev.tally.loadgen.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.loadgen.metrics.reference.AlertsReference;
import dev.tally.loadgen.metrics.reference.AlertsReference.ExpectedAlert;
import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SentPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The episodes and the alerts reference against each other and against events worked out by hand from
 * the episodes' script (T&lt;n&gt;: the end of the cycle's minute n).
 */
class AlertEpisodesTest {

    private static final long START = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long INTERVAL = 10_000;

    @Test
    void oneCycleTakesEveryRuleThroughItsStates() {
        List<SentPoint> points = cycle(START);

        AlertsReference.Result result = AlertsReference.compute(AlertEpisodes.RULES, points);

        assertThat(result.events().values().stream()
                        .map(AlertEpisodesTest::describe)
                        .toList())
                .containsExactlyInAnyOrder(
                        // The heartbeat's last sample before its silence is in minute 34: absent over 2 minutes at
                        // T36, back in minute 39; the one-minute silence of minute 25 does nothing; after the
                        // cycle's last sample (minute 39) it is absent for good.
                        "HeartbeatMissing episode-silent PENDING T36 since T36",
                        "HeartbeatMissing episode-silent FIRING T37 since T36",
                        "HeartbeatMissing episode-silent RESOLVED T39 since T36",
                        "HeartbeatMissing episode-silent PENDING T41 since T41",
                        "HeartbeatMissing episode-silent FIRING T42 since T41",
                        "HostOverloaded episode-fire PENDING T5 since T5",
                        "HostOverloaded episode-fire FIRING T8 since T5",
                        "HostOverloaded episode-fire RESOLVED T15 since T5",
                        "HostOverloaded episode-pending PENDING T5 since T5",
                        "HostOverloaded episode-pending INACTIVE T7 since T5",
                        "HostOverloaded episode-flap PENDING T5 since T5",
                        "HostOverloaded episode-flap INACTIVE T6 since T5",
                        "HostOverloaded episode-flap PENDING T7 since T7",
                        "HostOverloaded episode-flap INACTIVE T8 since T7",
                        "HostOverloaded episode-flap PENDING T9 since T9",
                        "HostOverloaded episode-flap INACTIVE T10 since T9",
                        "HostOverloaded episode-flap PENDING T11 since T11",
                        "HostOverloaded episode-flap INACTIVE T12 since T11",
                        "HostOverloadedFast episode-fire FIRING T5 since T5",
                        "HostOverloadedFast episode-fire RESOLVED T16 since T5",
                        "HostOverloadedFast episode-pending FIRING T5 since T5",
                        "HostOverloadedFast episode-pending RESOLVED T8 since T5",
                        "HostOverloadedFast episode-flap FIRING T5 since T5",
                        "HostOverloadedFast episode-flap RESOLVED T13 since T5",
                        "RequestBurst episode-burst PENDING T21 since T21",
                        "RequestBurst episode-burst FIRING T22 since T21",
                        "RequestBurst episode-burst RESOLVED T25 since T21",
                        "SlowRequests episode-slow PENDING T30 since T30",
                        "SlowRequests episode-slow FIRING T31 since T30",
                        "SlowRequests episode-slow RESOLVED T35 since T30");
        ExpectedAlert burst = result.events().values().stream()
                .filter(e -> e.alert().equals("RequestBurst") && e.state().equals("FIRING"))
                .findFirst()
                .orElseThrow();
        // Over minutes 20 to 22: 65 a sample but for the restart, which counts its 3; the edge from minute 19 is out of
        // range.
        assertThat(burst.value()).isEqualTo(5 * 65 + 65 + 5 * 65 + 3 + 5 * 65);
        assertThat(burst.labels()).containsEntry("host", "episode-burst").containsEntry("severity", "page");
        assertThat(burst.id())
                .isEqualTo("RequestBurst{host=\"episode-burst\",severity=\"page\"}@" + end(22) + ":FIRING");
        ExpectedAlert slow = result.events().values().stream()
                .filter(e -> e.alert().equals("SlowRequests") && e.state().equals("PENDING"))
                .findFirst()
                .orElseThrow();
        // Minutes 29 and 30: 7 fast samples, then 5 slow; the sample at rank floor(0.9 * 11) = 9 is slow.
        assertThat(slow.value()).isEqualTo(AlertEpisodes.SLOW);
        // Every alert ends inactive or resolved, but the heartbeat's: absent for good after the last sample.
        assertThat(result.latest())
                .hasSize(9)
                .allSatisfy((key, e) -> assertThat(e.state())
                        .isIn(
                                key.startsWith("HeartbeatMissing")
                                        ? List.of("FIRING")
                                        : List.of("INACTIVE", "RESOLVED")));
    }

    @Test
    void aPointSentAfterItsMinuteCouldCloseIsRefused() {
        List<SentPoint> points = new ArrayList<>(cycle(START));
        SentPoint first = points.get(0);
        points.set(0, new SentPoint(first.point(), first.point().ts() + 75_000, false));

        assertThatThrownBy(() -> AlertsReference.compute(AlertEpisodes.RULES, points))
                .hasMessageContaining("could close");
    }

    @Test
    void theRulesFileSaysWhatTheReferenceEvaluates() {
        assertThat(AlertEpisodes.rulesYaml())
                .contains(
                        "alert: HostOverloaded\n        expr: 'avg(tally_episode_load[1m]) by (host) > 0.9'\n        for: 3m")
                .contains("expr: 'max(tally_episode_load{host=~\"episode-.*\"}[1m]) by (host) >= 0.96875'")
                .contains("keep_firing_for: 2m")
                .contains("expr: 'increase(tally_episode_requests_total[3m]) by (host) > 500.0'")
                .contains("expr: 'quantile(0.9, tally_episode_latency_seconds[2m]) by (host) > 0.5'");
    }

    /** Forty minutes (a cycle) of the episodes' points from a minute start, each sent at its ts. */
    private static List<SentPoint> cycle(long start) {
        AlertEpisodes episodes = new AlertEpisodes(start, INTERVAL);
        List<SentPoint> points = new ArrayList<>();
        for (long t = start; t < start + AlertEpisodes.CYCLE_MINUTES * 60_000L; t += INTERVAL) {
            for (AlertEpisodes.Sample s : episodes.samples(t)) {
                points.add(new SentPoint(ReferencePoint.of(s.point()), s.point().getTs(), false));
            }
        }
        return points;
    }

    private static long end(int minute) {
        return START + (minute + 1) * 60_000L;
    }

    private static String describe(ExpectedAlert e) {
        return e.alert() + " " + e.labels().get("host") + " " + e.state() + " T" + ((e.ts() - START) / 60_000 - 1)
                + " since T" + ((e.activeSince() - START) / 60_000 - 1);
    }
}
