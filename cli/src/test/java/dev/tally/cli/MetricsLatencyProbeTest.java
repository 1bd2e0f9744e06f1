package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.jobs.metrics.alerts.AlertRule;
import dev.tally.jobs.metrics.alerts.AlertRules;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsLatencyProbeTest {

    @Test
    void theJobReadsTheProbesRuleAfterTheFleetRulesAsOneAlertPerProbeOverAMinute() {
        List<AlertRule> rules = AlertRules.parse(MetricsBench.FLEET_RULES + MetricsLatencyProbe.RULE_GROUP);

        assertThat(rules).hasSize(5);
        AlertRule probe = rules.get(4);
        assertThat(probe.alert()).isEqualTo(MetricsLatencyProbe.RULE);
        assertThat(probe.metric()).isEqualTo(MetricsLatencyProbe.METRIC);
        assertThat(probe.by()).containsExactly("probe");
        assertThat(probe.rangeMillis()).isEqualTo(60_000);
        assertThat(probe.forMillis()).isZero();
        assertThat(probe.threshold()).isEqualTo(0.5);
    }

    @Test
    void eachProbeIsHighInEveryOtherMinuteSoItsAlertFiresAtTheEndOfEachHighMinute() {
        long minute = Instant.parse("2026-12-07T22:00:00Z").toEpochMilli();
        for (int i = 0; i < MetricsLatencyProbe.PROBES; i++) {
            assertThat(MetricsLatencyProbe.high(i, minute)).isNotEqualTo(MetricsLatencyProbe.high(i, minute + 60_000));
            assertThat(MetricsLatencyProbe.high(i, minute)).isEqualTo(MetricsLatencyProbe.high(i, minute + 59_999));
            assertThat(MetricsLatencyProbe.high(i, minute)).isNotEqualTo(MetricsLatencyProbe.high(i + 1, minute));
        }
    }

    @Test
    void theWindowHoldsTheWholeMinutesOfTheProbingAndAFiringForEachHighOne() {
        long begin = Instant.parse("2026-12-07T22:00:30Z").toEpochMilli();
        MetricsLatencyProbe.Window window = MetricsLatencyProbe.Window.of(begin, begin + 300_000);

        // 22:00:30 to 22:05:30: the minutes from 22:01 to 22:05, by their ends.
        assertThat(window.firstEnd())
                .isEqualTo(Instant.parse("2026-12-07T22:02:00Z").toEpochMilli());
        assertThat(window.lastEnd())
                .isEqualTo(Instant.parse("2026-12-07T22:05:00Z").toEpochMilli());
        assertThat(window.minutes()).isEqualTo(4);
        assertThat(window.firingsDue()).isEqualTo(MetricsLatencyProbe.PROBES * 2);
    }

    @Test
    void onlyTheFirstSightingOfADueResultInsideTheWindowCounts() {
        long begin = Instant.parse("2026-12-07T22:00:30Z").toEpochMilli();
        MetricsLatencyProbe.Window window = MetricsLatencyProbe.Window.of(begin, begin + 300_000);
        long end = window.firstEnd();
        int highProbe = MetricsLatencyProbe.high(0, end - 60_000) ? 0 : 1;
        MetricsLatencyProbe.FirstSeen firings = new MetricsLatencyProbe.FirstSeen(window, true);

        firings.note(highProbe, end, end + 17_000);
        firings.note(highProbe, end, end + 19_000);
        firings.note(1 - highProbe, end, end + 18_000);
        firings.note(highProbe, window.firstEnd() - 120_000, end);
        firings.note(highProbe, window.lastEnd() + 120_000, end);

        assertThat(firings.count()).isEqualTo(1);
        assertThat(firings.latencies(16).millis()).containsExactly(17_000);
        MetricsLatencyProbe.FirstSeen rollups = new MetricsLatencyProbe.FirstSeen(window, false);
        rollups.note(1 - highProbe, end, end + 18_000);
        assertThat(rollups.count()).isEqualTo(1);
    }
}
