package dev.tally.loadgen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.loadgen.metrics.reference.BucketKey;
import dev.tally.loadgen.metrics.reference.ExpectedRollup;
import dev.tally.loadgen.metrics.reference.MetricsReference;
import dev.tally.loadgen.metrics.reference.PointId;
import dev.tally.schema.metrics.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The truth file reads back what was written, in the documented format, and recomputes for any late routing. */
class MetricsTruthTest {

    private static final MetricsSettings SETTINGS = MetricsSettings.forTest(
            11, 20_000, Instant.parse("2026-12-10T08:00:00Z").toEpochMilli());

    @Test
    void aWrittenTruthReadsBackTheSame(@TempDir Path dir) {
        ExpectedMetrics written = generate().expected(SETTINGS.allowedLateness(), SETTINGS.maxSeriesPerName());
        Path file = dir.resolve("truth.tsv");
        written.write(file);

        ExpectedMetrics read = ExpectedMetrics.read(file);

        assertThat(read).isEqualTo(written);
        assertThat(read.lateCandidates()).isNotEmpty();
        assertThat(read.conflicts()).isNotEmpty();
        assertThat(read.deadLetters()).isNotEmpty();
    }

    @Test
    void theSameSeedWritesTheSameFile(@TempDir Path dir) throws Exception {
        generate()
                .expected(SETTINGS.allowedLateness(), SETTINGS.maxSeriesPerName())
                .write(dir.resolve("a.tsv"));
        generate()
                .expected(SETTINGS.allowedLateness(), SETTINGS.maxSeriesPerName())
                .write(dir.resolve("b.tsv"));

        assertThat(Files.readAllLines(dir.resolve("a.tsv"))).isEqualTo(Files.readAllLines(dir.resolve("b.tsv")));
    }

    @Test
    void theWrittenRollupsAreThoseWithEveryLateCandidateRoutedLate() {
        ExpectedMetrics truth = generate().expected(SETTINGS.allowedLateness(), SETTINGS.maxSeriesPerName());

        MetricsReference.Result allLate = truth.applying(truth.lateCandidates());
        MetricsReference.Result noneLate = truth.applying(Map.of());

        assertThat(allLate.rollups()).isEqualTo(truth.rollups());
        assertThat(allLate.conflicts()).isEqualTo(truth.conflicts());
        assertThat(noneLate.rollups()).isNotEqualTo(truth.rollups());
        assertThat(noneLate.totals().applied()).isEqualTo(truth.totals().points());
    }

    @Test
    void readsTheDocumentedFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("truth.tsv");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "S\t300000\t6\t4\t1\t1\t1\t2",
                        "D\tINVALID_VALUE\t1",
                        "P\t60000\t0\tdisk_free\t-\t60000\t2.5\tmount\tC:\\\\",
                        "P\t60000\t0\tdisk_free\t-\t60000\t3.0\tmount\tC:\\\\",
                        "P\t70000\t0\tdisk_free\t-\t70000\t1.0\tmount\tC:\\\\",
                        "P\t1200000\t1\tdisk_free\t-\t80000\t9.0\tmount\tC:\\\\",
                        "R\tdisk_free{mount=\"C:\\\\\\\\\"}\t1m\t60000\tGAUGE\t2\t3.5\t1.0\t2.5\t2.5\t60000\t1.0\t70000\t-\t-",
                        "R\tdisk_free{mount=\"C:\\\\\\\\\"}\t1h\t0\tGAUGE\t2\t3.5\t1.0\t2.5\t2.5\t60000\t1.0\t70000\t-\t-",
                        "X\tdisk_free{mount=\"C:\\\\\\\\\"}\t60000\t3.0",
                        "L\tdisk_free{mount=\"C:\\\\\\\\\"}\t60000\t4.0\t2",
                        ""));

        ExpectedMetrics read = ExpectedMetrics.read(file);

        String key = "disk_free{mount=\"C:\\\\\"}";
        assertThat(read.points()).hasSize(4);
        assertThat(read.points().get(0).point().labels()).isEqualTo(Map.of("mount", "C:\\"));
        assertThat(read.points().get(0).point().seriesKey()).isEqualTo(key);
        assertThat(read.allowedLateness()).isEqualTo(Duration.ofMinutes(5));
        assertThat(read.maxSeriesPerName()).isEqualTo(2);
        assertThat(read.limited()).isEqualTo(Map.of(new PointId(key, 60_000, 4.0), 2L));
        assertThat(read.totals()).isEqualTo(new ExpectedMetrics.Totals(6, 4, 1, 1, 1));
        assertThat(read.deadLetters()).isEqualTo(Map.of("INVALID_VALUE", 1L));
        assertThat(read.lateCandidates()).isEqualTo(Map.of(new PointId(key, 80_000, 9.0), 1));
        ExpectedRollup minute =
                new ExpectedRollup(MetricKind.GAUGE, 2, 3.5, 1.0, 2.5, 2.5, 60_000, 1.0, 70_000, null, null);
        assertThat(read.rollups())
                .isEqualTo(Map.of(new BucketKey(key, "1m", 60_000), minute, new BucketKey(key, "1h", 0), minute));
        assertThat(read.conflicts()).isEqualTo(Map.of(new PointId(key, 60_000, 3.0), 1L));
        // The file's rollups are the reference's with the candidate routed late; applied, it is the last sample.
        assertThat(read.applying(read.lateCandidates()).rollups()).isEqualTo(read.rollups());
        assertThat(read.applying(Map.of())
                        .rollups()
                        .get(new BucketKey(key, "1m", 60_000))
                        .lastTs())
                .isEqualTo(80_000);
    }

    private static MetricsTruth generate() {
        MetricsTruth truth = new MetricsTruth();
        new MetricsGenerator(SETTINGS, truth).forEachRemaining(r -> {});
        return truth;
    }
}
