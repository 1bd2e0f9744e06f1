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
}
