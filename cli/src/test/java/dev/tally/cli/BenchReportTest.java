package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the benchmarks share without a stack: the report's table and section, Redis's latency lines, and the metrics bench's generator command. */
class BenchReportTest {

    @Test
    void tableRatesEveryRunAgainstTheRawConsume() {
        List<BenchCommand.Result> results = List.of(
                new BenchCommand.Result(BenchCommand.RAW_CONSUME, 1_000_000, 1.0, null, Map.of()),
                new BenchCommand.Result(
                        "job",
                        1_000_000,
                        20.0,
                        new BenchCommand.Checkpoints(3, 1500, 2000, 3L << 20, 1L << 20),
                        Map.of("taskmanager", 0.5, "cassandra", 0.25)),
                new BenchCommand.Result("sql", 1_000_000, 40.0, null, Map.of()));

        assertThat(BenchCommand.throughputTable(results).split("\n"))
                .hasSize(5)
                .contains(
                        "| raw Kafka consume (1 consumer, read_committed) | 1,000,000 | 1.0 | 1,000,000 | 1.000 | - | - |",
                        "| job | 1,000,000 | 20.0 | 50,000 | 0.050 | 3, 1500, 2000, 3.0 MiB | 75% (50%, 25%, 0%, 0%) |");
        assertThat(BenchCommand.sqlRatios(results, "job", "sql", "job", "sql"))
                .contains("2.00x with all sinks, 2.00x with results discarded");
        assertThat(BenchCommand.sqlRatios(results.subList(0, 2), "job", "sql", "job", "sql"))
                .isEmpty();
    }

    @Test
    void redisQueryLatenciesAreReportedAsMedianAndP99() {
        double[] millis = new double[200];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = 200 - i; // 200, 199, ..., 1
        }
        assertThat(RedisLeaderboard.percentiles(millis)).containsExactly(100.0, 198.0);
        RedisLeaderboard.Run run = new RedisLeaderboard.Run(
                new BenchCommand.Result("redis", 10, 1.0, null, Map.of()),
                2,
                Map.of("ZREVRANK (a player's rank)", new double[] {0.05, 0.25}));
        assertThat(RedisLeaderboard.latencyLines(run))
                .isEqualTo(
                        "- Redis ZREVRANK (a player's rank), one client, one at a time: p50 0.050 ms, p99 0.250 ms\n");
    }

    @Test
    void aSectionIsReplacedAndTheRestOfTheFileKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(
                file,
                "# Benchmarks\n\nintro\n<!-- bench metrics: start -->\nold\n<!-- bench metrics: end -->\n\nafter\n");

        BenchCommand.writeReport(file, "bench metrics", "new\n");
        BenchCommand.writeReport(file, "bench other", "other\n");

        assertThat(Files.readString(file))
                .isEqualTo(
                        "# Benchmarks\n\nintro\n<!-- bench metrics: start -->\nnew\n<!-- bench metrics: end -->\n\nafter\n"
                                + "\n<!-- bench other: start -->\nother\n<!-- bench other: end -->\n");
    }
}
