package dev.tally.loadgen.salesrank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.loadgen.GeneratedRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's faults, its determinism, and the truth file read back as written. */
class SalesRankTruthTest {

    private static final long START = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    private static List<GeneratedRecord> generate(SalesRankSettings settings, SalesRankTruth truth) {
        List<GeneratedRecord> records = new ArrayList<>();
        new SalesRankGenerator(settings, truth).forEachRemaining(records::add);
        return records;
    }

    @Test
    void everyFaultIsInjectedAndTheTruthCountsWhatWasSent() throws Exception {
        SalesRankTruth truth = new SalesRankTruth();
        List<GeneratedRecord> records = generate(SalesRankSettings.forTest(7, 20_000, START), truth);

        ExpectedSalesRank.Totals t = truth.totals();
        assertThat(records).hasSize(20_000);
        assertThat(t.purchases() + t.duplicates() + t.conflicts() + t.late() + t.malformed())
                .isEqualTo(20_000);
        assertThat(t.duplicates()).isBetween(300L, 500L);
        assertThat(t.conflicts()).isBetween(130L, 270L);
        assertThat(t.late()).isBetween(130L, 270L);
        assertThat(t.malformed()).isBetween(130L, 270L);
        ExpectedSalesRank expected = truth.expected(10);
        assertThat(expected.purchases()).hasSize((int) t.purchases());
        assertThat(expected.late()).hasSize((int) t.late());
        assertThat(expected.listsCounting(Set.of())).isNotEmpty();
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        List<GeneratedRecord> a = generate(SalesRankSettings.forTest(3, 2_000, START), SalesRankTruth.totalsOnly());
        List<GeneratedRecord> b = generate(SalesRankSettings.forTest(3, 2_000, START), SalesRankTruth.totalsOnly());
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).value()).isEqualTo(b.get(i).value());
        }
    }

    @Test
    void aProductKeepsItsCategories() {
        SalesRankGenerator generator =
                new SalesRankGenerator(SalesRankSettings.forTest(3, 10, START), SalesRankTruth.totalsOnly());
        for (int product = 0; product < 50; product++) {
            List<String> categories = generator.categoriesOf(product);
            assertThat(categories).isNotEmpty().hasSizeLessThanOrEqualTo(3).doesNotHaveDuplicates();
            assertThat(generator.categoriesOf(product)).isEqualTo(categories);
        }
    }

    @Test
    void theTruthFileReadsBackAsWritten(@TempDir Path dir) throws Exception {
        SalesRankTruth truth = new SalesRankTruth();
        generate(SalesRankSettings.forTest(5, 3_000, START), truth);
        ExpectedSalesRank written = truth.expected(5);
        Path file = dir.resolve("truth.tsv");
        written.write(file);

        ExpectedSalesRank read = ExpectedSalesRank.read(file);
        assertThat(read.totals()).isEqualTo(written.totals());
        assertThat(read.topN()).isEqualTo(5);
        Set<String> someLate = Set.of(read.late().get(0).getTxId());
        assertThat(read.listsCounting(someLate)).isEqualTo(written.listsCounting(someLate));
        assertThat(read.listsCounting(Set.of())).isNotEqualTo(read.listsCounting(someLate));
    }
}
