package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.loadgen.reference.ReferenceFilters;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTest {

    // Late clicks start once event time is past the first lateBy (5 minutes, 300,000 records here).
    private static final GeneratorSettings SETTINGS = GeneratorSettings.forTest(7, 400_000, 1_700_000_000_000L);

    @Test
    void totalsOnlyCountsWhatTheKeyedTruthCounts() {
        GroundTruth keyed = generate(new GroundTruth(ReferenceFilters.allOnly()));
        GroundTruth totals = generate(GroundTruth.totalsOnly());

        assertThat(keyed.lateClicks()).isPositive().isEqualTo(keyed.late().size());
        assertThat(keyed.duplicates()).isPositive();
        assertThat(keyed.malformed()).isPositive();
        // Filter 0 matches every click: its counts add up to the clicks.
        assertThat(keyed.counts().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(keyed.clicks());

        assertThat(totals.clicks()).isEqualTo(keyed.clicks());
        assertThat(totals.lateClicks()).isEqualTo(keyed.lateClicks());
        assertThat(totals.duplicates()).isEqualTo(keyed.duplicates());
        assertThat(totals.malformed()).isEqualTo(keyed.malformed());
    }

    @Test
    void totalsOnlyRefusesToHandOutOrWriteCounts(@TempDir Path dir) {
        GroundTruth totals = generate(GroundTruth.totalsOnly());

        assertThatThrownBy(totals::counts)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only totals");
        assertThatThrownBy(totals::countryCounts).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(totals::late).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> totals.write(dir.resolve("truth.tsv"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWrittenTruthReadsBackTheSame(@TempDir Path dir) {
        GroundTruth written = generate(new GroundTruth(ReferenceFilters.allOnly()));
        Path file = dir.resolve("truth.tsv");
        written.write(file);

        GroundTruth read = GroundTruth.read(file);

        assertThat(read.counts()).isEqualTo(written.counts());
        assertThat(read.countryCounts()).isEqualTo(written.countryCounts());
        assertThat(read.late().keySet()).isEqualTo(written.late().keySet());
        assertThat(read.clicks()).isEqualTo(written.clicks());
        assertThat(read.lateClicks()).isEqualTo(written.lateClicks());
        assertThat(read.duplicates()).isEqualTo(written.duplicates());
        assertThat(read.malformed()).isEqualTo(written.malformed());
    }

    private static GroundTruth generate(GroundTruth truth) {
        new AdClickGenerator(SETTINGS, truth).forEachRemaining(record -> {});
        return truth;
    }
}
