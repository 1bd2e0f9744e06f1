package dev.tally.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.RecordValidator.Rejection;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricValidatorTest {

    private static final long NOW = 1_800_000_000_000L;
    private final MetricValidator validator = new MetricValidator(Duration.ofDays(7), Duration.ofHours(1));

    private static MetricPoint point(String name, Map<String, String> labels, double value, MetricKind kind) {
        return new MetricPoint(name, labels, NOW, value, kind);
    }

    private String reason(MetricPoint point) {
        Rejection rejection = validator.check(point, NOW);
        return rejection == null ? null : rejection.reason();
    }

    @Test
    void acceptsAPlainPoint() {
        assertThat(reason(point("cpu.load", Map.of("host", "web01"), 0.5, null)))
                .isNull();
        assertThat(reason(point("requests_total", Map.of(), 3, MetricKind.COUNTER)))
                .isNull();
        assertThat(reason(point("queue_depth", Map.of(), 3, MetricKind.COUNTER)))
                .isNull();
    }

    @Test
    void rejectsWithAReason() {
        assertThat(reason(point("", Map.of(), 1, null))).isEqualTo("MISSING_FIELD");
        assertThat(reason(point("9lives", Map.of(), 1, null))).isEqualTo("INVALID_FIELD");
        assertThat(reason(point("cpu{x}", Map.of(), 1, null))).isEqualTo("INVALID_FIELD");
        assertThat(reason(point("cpu", Map.of("bad-key", "v"), 1, null))).isEqualTo("INVALID_FIELD");
        assertThat(reason(point("cpu", Map.of("k", "v".repeat(257)), 1, null))).isEqualTo("FIELD_TOO_LONG");
        assertThat(reason(point("cpu", Map.of("k".repeat(101), "v"), 1, null))).isEqualTo("FIELD_TOO_LONG");
        assertThat(reason(point("requests_total", Map.of(), 1, MetricKind.GAUGE)))
                .isEqualTo("INVALID_FIELD");
        assertThat(reason(point("cpu", Map.of(), Double.NaN, null))).isEqualTo("INVALID_VALUE");
        assertThat(reason(point("cpu", Map.of(), Double.NEGATIVE_INFINITY, null)))
                .isEqualTo("INVALID_VALUE");
        assertThat(validator
                        .check(new MetricPoint("cpu", Map.of(), NOW + 3_600_001, 1.0, null), NOW)
                        .reason())
                .isEqualTo("TIMESTAMP_OUT_OF_RANGE");
        assertThat(validator
                        .check(new MetricPoint("cpu", Map.of(), NOW - 8 * 86_400_000L, 1.0, null), NOW)
                        .reason())
                .isEqualTo("TIMESTAMP_OUT_OF_RANGE");
    }
}
