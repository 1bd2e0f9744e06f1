package dev.tally.jobs.metrics.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules file and its expressions: what is read, and the messages of what is refused. */
class AlertRulesTest {

    @Test
    void readsPrometheusLayoutWithEveryPart() {
        List<AlertRule> rules = AlertRules.parse("""
                groups:
                  - name: hosts
                    rules:
                      - alert: HostOverloaded
                        expr: avg(cpu_load{pool="web", host!="x", region=~"us-.*"}[5m]) by (host, pool) >= 0.9
                        for: 1m30s
                        keep_firing_for: 2m
                        labels: {severity: page}
                      - alert: Requests
                        expr: rate(http_requests_total[1h]) < 2.5e3
                """);
        assertThat(rules).hasSize(2);
        AlertRule r = rules.get(0);
        assertThat(r.aggregation()).isEqualTo(AlertRule.Aggregation.AVG);
        assertThat(r.metric()).isEqualTo("cpu_load");
        assertThat(r.rangeMillis()).isEqualTo(300_000);
        assertThat(r.by()).containsExactly("host", "pool");
        assertThat(r.comparison()).isEqualTo(AlertRule.Comparison.GE);
        assertThat(r.threshold()).isEqualTo(0.9);
        assertThat(r.forMillis()).isEqualTo(90_000);
        assertThat(r.keepFiringForMillis()).isEqualTo(120_000);
        assertThat(r.labels()).containsEntry("severity", "page");
        assertThat(r.matches("cpu_load", Map.of("pool", "web", "host", "a", "region", "us-west")))
                .isTrue();
        assertThat(r.matches("cpu_load", Map.of("pool", "web", "host", "x", "region", "us-west")))
                .isFalse();
        assertThat(r.matches("cpu_load", Map.of("pool", "web", "host", "a", "region", "eu-west")))
                .isFalse();
        assertThat(r.matches("cpu_load", Map.of("host", "a", "region", "us-west")))
                .isFalse();
        assertThat(r.matches("mem", Map.of("pool", "web", "host", "a", "region", "us-west")))
                .isFalse();

        AlertRule rate = rules.get(1);
        assertThat(rate.aggregation()).isEqualTo(AlertRule.Aggregation.RATE);
        assertThat(rate.matchers()).isEmpty();
        assertThat(rate.by()).isEmpty();
        assertThat(rate.threshold()).isEqualTo(2500);
        assertThat(rate.forMillis()).isZero();
        assertThat(AlertRules.parse("")).isEmpty();

        AlertRule p99 = AlertRules.expression(
                "Slow", "quantile(0.99, latency_seconds{route=\"/a,b\"}[5m]) by (route) > 0.5", 0, 0, Map.of());
        assertThat(p99.aggregation()).isEqualTo(AlertRule.Aggregation.QUANTILE);
        assertThat(p99.quantile()).isEqualTo(0.99);
        assertThat(p99.metric()).isEqualTo("latency_seconds");
        assertThat(p99.matches("latency_seconds", Map.of("route", "/a,b"))).isTrue();
        assertThat(r.quantile()).isNaN();
    }

    @Test
    void refusesWhatItCannotEvaluateAndSaysWhy() {
        assertThatThrownBy(() -> AlertRules.parse("groups: [{name: g, rules: [{alert: A, expr: 'avg(x[30s]) > 1'}]}]"))
                .hasMessageContaining("alert 'A'")
                .hasMessageContaining("whole minutes");
        assertThatThrownBy(
                        () -> AlertRules.parse("groups: [{name: g, rules: [{alert: A, expr: 'median(x[1m]) > 1'}]}]"))
                .hasMessageContaining("is not agg(metric{matchers}[range])");
        assertThatThrownBy(() ->
                        AlertRules.parse("groups: [{name: g, rules: [{alert: A, expr: 'avg(x{host=a}[1m]) > 1'}]}]"))
                .hasMessageContaining("label matchers");
        assertThatThrownBy(() -> AlertRules.parse(
                        "groups: [{name: g, rules: [{alert: A, expr: 'avg(x[1m]) > 1', for: 5 minutes}]}]"))
                .hasMessageContaining("for must be a duration");
        assertThatThrownBy(() ->
                        AlertRules.parse("groups: [{name: g, rules: [{alert: A, expr: 'avg(x[1m]) > 1', fore: 5m}]}]"))
                .hasMessageContaining("unknown key 'fore'");
        assertThatThrownBy(
                        () -> AlertRules.parse(
                                "groups: [{name: g, rules: [{alert: A, expr: 'avg(x[1m]) > 1'}, {alert: A, expr: 'max(x[1m]) > 1'}]}]"))
                .hasMessageContaining("defined twice");
        assertThatThrownBy(
                        () -> AlertRules.parse("groups: [{name: g, rules: [{alert: A, expr: 'avg(x[1m]) > high'}]}]"))
                .hasMessageContaining("threshold must be a number");
        assertThatThrownBy(() ->
                        AlertRules.parse("groups: [{name: g, rules: [{alert: A, expr: 'avg(x{h=~\"(\"}[1m]) > 1'}]}]"))
                .hasMessageContaining("regex of label h");
        assertThatThrownBy(() -> AlertRules.expression("A", "quantile(1.5, x[1m]) > 1", 0, 0, Map.of()))
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> AlertRules.expression("A", "quantile(x[1m]) > 1", 0, 0, Map.of()))
                .hasMessageContaining("quantile's q must be given");
        assertThatThrownBy(() -> AlertRules.expression("A", "avg(0.5, x[1m]) > 1", 0, 0, Map.of()))
                .hasMessageContaining("avg takes no argument");
    }

    @Test
    void absentTakesNoComparisonAndTheOthersNeedOne() {
        AlertRule missing = AlertRules.expression(
                "Missing", "absent(heartbeat{host=~\"web.*\"}[2m]) by (host)", 60_000, 0, Map.of());

        assertThat(missing.aggregation()).isEqualTo(AlertRule.Aggregation.ABSENT);
        assertThat(missing.comparison()).isEqualTo(AlertRule.Comparison.EQ);
        assertThat(missing.threshold()).isEqualTo(1);
        assertThat(missing.by()).containsExactly("host");
        assertThat(missing.rangeMillis()).isEqualTo(120_000);
        assertThatThrownBy(() -> AlertRules.expression("A", "absent(x[1m]) > 0", 0, 0, Map.of()))
                .hasMessageContaining("absent(...) takes no comparison");
        assertThatThrownBy(() -> AlertRules.expression("A", "avg(x[1m])", 0, 0, Map.of()))
                .hasMessageContaining("has no comparison");
    }
}
