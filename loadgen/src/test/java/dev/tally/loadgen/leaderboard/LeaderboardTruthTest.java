package dev.tally.loadgen.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.loadgen.leaderboard.reference.LeaderboardReference;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The truth file reads back what was written, in the documented format, and recomputes top lists for another K. */
class LeaderboardTruthTest {

    private static final LeaderboardSettings SETTINGS = LeaderboardSettings.forTest(
            11, 100_000, Instant.parse("2026-12-10T08:00:00Z").toEpochMilli());

    @Test
    void aWrittenTruthReadsBackTheSame(@TempDir Path dir) {
        ExpectedLeaderboard written = generate().expected(10);
        Path file = dir.resolve("truth.tsv");
        written.write(file);

        ExpectedLeaderboard read = ExpectedLeaderboard.read(file);

        assertThat(read).isEqualTo(written);
        assertThat(read.late()).isNotEmpty();
        assertThat(read.totals().malformed()).isPositive();
    }

    @Test
    void theSameSeedWritesTheSameFile(@TempDir Path dir) throws Exception {
        generate().expected(10).write(dir.resolve("a.tsv"));
        generate().expected(10).write(dir.resolve("b.tsv"));

        assertThat(Files.readAllLines(dir.resolve("a.tsv"))).isEqualTo(Files.readAllLines(dir.resolve("b.tsv")));
    }

    @Test
    void anotherTopKIsRecomputedFromThePlayersScores() {
        LeaderboardTruth truth = generate();

        assertThat(truth.expected(10).withTopK(3)).isEqualTo(truth.expected(3));
        assertThat(truth.expected(10).withTopK(3).standings().top().values())
                .allSatisfy(list -> assertThat(list).hasSize(3));
    }

    @Test
    void readsTheDocumentedFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("truth.tsv");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "S\t2\t4\t0\t1\t2\t0\t3",
                        "P\tchess#2026-12\talice\t1\t1000",
                        "P\tchess#2026-12\tbob\t0\t1000",
                        "H\tchess#2026-12\t1\t1\t0",
                        "H\tchess#2026-12\t0\t1\t1",
                        "T\tchess#2026-12\t1\talice\t1\t1\t1000",
                        "T\tchess#2026-12\t2\tbob\t0\t2\t1000",
                        "R\tm1\tchess\talice\t1\t1000\t0",
                        "R\tm1\tchess\tbob\t0\t1000\t0",
                        "A\tm1\tchess\talice\t1\t1000\t0\t1005\t0",
                        "A\tm1\tchess\tbob\t0\t1000\t0\t1005\t0",
                        "A\tm-late\tchess\tcarol\t1\t900\t0\t\t1",
                        ""));

        ExpectedLeaderboard read = ExpectedLeaderboard.read(file);

        assertThat(read.standings().top().get("chess#2026-12"))
                .containsExactly(new Ranked("alice", 1, 1, 1000), new Ranked("bob", 0, 2, 1000));
        assertThat(read.late()).containsExactly(new ResultId("m-late", "carol", 0));
        assertThat(read.totals()).isEqualTo(new ExpectedLeaderboard.Totals(4, 0, 1, 2, 0, 3));
        assertThat(LeaderboardReference.standings(read.standings().players(), 2))
                .isEqualTo(read.standings());
        assertThat(read.standingsApplying(read.late())).isEqualTo(read.standings());
        // What the job applied, with when it was published: carol's only if it did not route her result late.
        assertThat(read.sentApplying(read.late()))
                .extracting(r -> r.getUserId() + "@" + r.getPublishedAt())
                .containsExactly("alice@1005", "bob@1005");
        assertThat(read.sentApplying(java.util.Set.of())).hasSize(3);
        // Had the job applied carol's late win (its watermark lagging), she would lead, having reached 1 first
        // (the R and A lines' times are early in January 1970, their tournament's month).
        assertThat(read.standingsApplying(java.util.Set.of()).top().get("chess#1970-01"))
                .containsExactly(new Ranked("carol", 1, 1, 900), new Ranked("alice", 1, 1, 1000));
    }

    @Test
    void aTotalsOnlyTruthHasNoExpectedState() {
        assertThatThrownBy(() -> LeaderboardTruth.totalsOnly().expected(10)).isInstanceOf(IllegalStateException.class);
    }

    private static LeaderboardTruth generate() {
        LeaderboardTruth truth = new LeaderboardTruth();
        new LeaderboardGenerator(SETTINGS, truth).forEachRemaining(r -> {});
        return truth;
    }
}
