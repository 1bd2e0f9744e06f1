package dev.tally.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.kit.JobOptions;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionPolicyTest {

    private static final Duration RAW = Duration.ofDays(7);
    private static final Duration MINUTE = Duration.ofDays(30);
    private static final Duration HOUR = Duration.ofDays(365);

    @TempDir
    Path dir;

    @Test
    void aMetricsOwnRetentionReplacesTheJobsForTheResolutionsItNames() throws IOException {
        RetentionPolicy policy = RetentionPolicy.of(RAW, MINUTE, HOUR, overrides("""
                http_requests_total: {minute: P90D, hour: P1095D}
                debug_queue_depth: {minute: PT6H, raw: PT1H}
                """));

        assertThat(policy.millis(MetricsTables.MINUTE, "http_requests_total"))
                .isEqualTo(Duration.ofDays(90).toMillis());
        assertThat(policy.millis(MetricsTables.HOUR, "http_requests_total"))
                .isEqualTo(Duration.ofDays(1095).toMillis());
        assertThat(policy.millis(MetricsTables.MINUTE, "debug_queue_depth"))
                .isEqualTo(Duration.ofHours(6).toMillis());
        assertThat(policy.millis(MetricsTables.HOUR, "debug_queue_depth")).isEqualTo(HOUR.toMillis());
        assertThat(policy.millis(MetricsTables.MINUTE, "cpu_load")).isEqualTo(MINUTE.toMillis());
        assertThat(policy.millis(MetricsTables.RAW, "debug_queue_depth"))
                .isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(policy.millis(MetricsTables.RAW, "http_requests_total")).isEqualTo(RAW.toMillis());
        assertThat(RetentionPolicy.of(RAW, MINUTE, HOUR, null).millis(MetricsTables.HOUR, "http_requests_total"))
                .isEqualTo(HOUR.toMillis());
    }

    /** The TTL is counted from the bucket's end, so a bucket that ended a day ago has a day less to live. */
    @Test
    void eachRowIsWrittenWithItsMetricsTimeToLive() throws IOException {
        RetentionPolicy policy =
                RetentionPolicy.of(RAW, MINUTE, HOUR, overrides("debug_queue_depth: {minute: PT6H}\n"));
        long dayAgo = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
        dayAgo -= dayAgo % 60_000;

        long kept = ttlSeconds(MetricsTables.rollups(MetricsTables.MINUTE, policy), rollup("cpu_load", dayAgo));
        long expired =
                ttlSeconds(MetricsTables.rollups(MetricsTables.MINUTE, policy), rollup("debug_queue_depth", dayAgo));

        // The bucket (a minute) ended a day ago less up to a minute.
        assertThat(kept)
                .isBetween(Duration.ofDays(29).toSeconds(), Duration.ofDays(29).toSeconds() + 60);
        assertThat(expired).isEqualTo(1); // six hours are long past: the row goes at once
    }

    @Test
    void aBadFileFailsAtSubmissionNamingTheMetric() throws IOException {
        assertThatThrownBy(() -> RetentionPolicy.of(RAW, MINUTE, HOUR, overrides("cpu: {minute: 90 days}\n")))
                .hasMessageContaining("metric cpu, minute: '90 days' is not an ISO-8601 duration");
        assertThatThrownBy(() -> RetentionPolicy.of(RAW, MINUTE, HOUR, overrides("cpu: {day: P1D}\n")))
                .hasMessageContaining("metric cpu: unknown key 'day' (raw, minute, hour)");
        assertThatThrownBy(() -> RetentionPolicy.of(RAW, MINUTE, HOUR, overrides("cpu: {hour: PT30M}\n")))
                .hasMessageContaining("metric cpu, hour must be at least PT1H, was PT30M");
        assertThatThrownBy(() -> RetentionPolicy.of(RAW, MINUTE, HOUR, overrides("cpu: P1D\n")))
                .hasMessageContaining("metric cpu: expected {raw: <duration>, minute: <duration>, hour: <duration>}");
        assertThatThrownBy(() -> RetentionPolicy.of(RAW, Duration.ofSeconds(30), HOUR, null))
                .hasMessage("--minute-retention must be at least PT1M, was PT30S");
        assertThatThrownBy(() -> RetentionPolicy.of(Duration.ofSeconds(30), MINUTE, HOUR, null))
                .hasMessage("--raw-retention must be at least PT1M, was PT30S");
    }

    @Test
    void theOptionsReadTheOverrides() throws IOException {
        Path file = overrides("http_requests_total: {hour: P1095D}\n");

        MetricsOptions options = JobOptions.parse(new MetricsOptions(), "--retention-overrides", file.toString());

        assertThat(options.retention().millis(MetricsTables.HOUR, "http_requests_total"))
                .isEqualTo(Duration.ofDays(1095).toMillis());
    }

    private Path overrides(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "retention", ".yaml"), yaml);
    }

    private static long ttlSeconds(
            dev.tally.connectors.cassandra.ResultTable<MetricRollup> table, MetricRollup rollup) {
        Object[] values = table.insertValues(rollup);
        return ((Number) values[values.length - 1]).longValue();
    }

    private static MetricRollup rollup(String name, long bucketStart) {
        return MetricRollup.newBuilder()
                .setSeriesKey(name + "{}")
                .setName(name)
                .setLabels(Map.of())
                .setKind(MetricKind.GAUGE)
                .setResolution(MetricsTables.MINUTE)
                .setBucketStart(bucketStart)
                .setCount(1)
                .setSum(1.0)
                .setMin(1.0)
                .setMax(1.0)
                .setFirst(1.0)
                .setFirstTs(bucketStart)
                .setLast(1.0)
                .setLastTs(bucketStart)
                .build();
    }
}
