package dev.tally.jobs.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.RecordFates;
import dev.tally.jobs.kit.WatermarkAfterEveryRecord;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole leaderboard DAG on a MiniCluster over a finite, hand-computed input, late results included. */
class LeaderboardPipelineTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(RecordFates.miniCluster(METRICS, 2));

    private static final long NOV_LAST =
            Instant.parse("2026-11-30T23:59:59.900Z").toEpochMilli();
    private static final long DEC = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    @Test
    void scoresRanksHistogramAndTopAcrossAMonthBoundary() throws Exception {
        List<Decoded<MatchResult>> input = new ArrayList<>();
        // November: ann beats bob twice, in the last 100 ms of the month.
        input.add(result("n1", "ann", 1, NOV_LAST, 0));
        input.add(result("n1", "bob", 0, NOV_LAST, 0));
        input.add(result("n2", "ann", 1, NOV_LAST + 99, 0));
        input.add(result("n2", "bob", 0, NOV_LAST + 99, 0));
        // December: the first millisecond starts a new tournament.
        input.add(result("d1", "bob", 1, DEC, 0));
        input.add(result("d1", "cid", 0, DEC, 0));
        input.add(result("d1", "bob", 1, DEC, 0)); // duplicate
        input.add(result("d2", "cid", 1, DEC + 1_000, 0));
        input.add(result("d2", "dan", 0, DEC + 1_000, 0));
        input.add(result("d3", "dan", 1, DEC + 2_000, 0));
        input.add(result("d3", "ann", 0, DEC + 2_000, 0));
        input.add(Decoded.rejected(deadLetter()));
        // The referee reverses d1 ten minutes later: cid won.
        input.add(result("x1", "eve", 1, DEC + 10 * 60_000, 0));
        input.add(result("d1", "bob", 0, DEC, 1));
        input.add(result("d1", "cid", 1, DEC, 1));
        // Far behind by now: beyond the horizon, late.
        input.add(result("n3", "bob", 1, DEC + 10 * 60_000 - 2 * HOUR, 0));
        input.add(result("x2", "eve", 1, DEC + 10 * 60_000 + 1, 0));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Parallelism 1: see WatermarkAfterEveryRecord (the race was seen in CI).
        env.setParallelism(1);
        DataStream<Decoded<MatchResult>> results = env.fromData(input, Decoded.typeInfo(MatchResult.class))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(
                        WatermarkAfterEveryRecord.of(new LeaderboardOptions().outOfOrderness, MatchResult::getTs))
                .setParallelism(1);
        LeaderboardPipeline.Outputs outputs =
                LeaderboardPipeline.build(results, new LeaderboardPipeline.Settings(3, 3, Duration.ofHours(1)));
        CloseableIterator<LeaderboardUpdate> updates = outputs.updates().collectAsync();
        CloseableIterator<ScoreBucket> histogram = outputs.histogram().collectAsync();
        CloseableIterator<TopPlayers> top = outputs.top().collectAsync();
        CloseableIterator<MatchResult> late = outputs.late().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters().collectAsync();
        CloseableIterator<PlayerPosition> positions = outputs.positions().collectAsync();
        JobID job = env.execute("leaderboard-pipeline-test").getJobID();

        Map<String, String> scores = new HashMap<>();
        drain(updates)
                .forEach(u ->
                        scores.put(u.getTournament() + "/" + u.getUserId(), u.getScore() + "@" + u.getReachedAt()));
        assertThat(scores)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "chess#2026-11/ann", "2@" + (NOV_LAST + 99),
                        "chess#2026-11/bob", "0@" + NOV_LAST,
                        "chess#2026-12/bob", "0@" + DEC,
                        "chess#2026-12/cid", "2@" + (DEC + 1_000),
                        "chess#2026-12/dan", "1@" + (DEC + 2_000),
                        "chess#2026-12/ann", "0@" + (DEC + 2_000),
                        "chess#2026-12/eve", "2@" + (DEC + 10 * 60_000 + 1)));

        // The order table as Cassandra keeps it: per row, the write with the latest timestamp (on a tie,
        // the removal); rows left present are each player's current place, once.
        Map<String, PlayerPosition> order = new HashMap<>();
        for (PlayerPosition p : drain(positions)) {
            order.merge(
                    p.tournament + "/" + p.score + "/" + p.reachedAt + "/" + p.userId,
                    p,
                    (a, b) -> a.writeMicros != b.writeMicros
                            ? (a.writeMicros > b.writeMicros ? a : b)
                            : (a.present ? b : a));
        }
        Map<String, String> places = new HashMap<>();
        order.values().stream()
                .filter(p -> p.present)
                .forEach(p -> assertThat(places.put(p.tournament + "/" + p.userId, p.score + "@" + p.reachedAt))
                        .as("%s has one place", p.userId)
                        .isNull());
        assertThat(places).isEqualTo(scores);

        Map<String, String> rows = new HashMap<>();
        drain(histogram)
                .forEach(b ->
                        rows.put(b.getTournament() + "/" + b.getScore(), b.getPlayers() + "/" + b.getPlayersAbove()));
        assertThat(rows)
                .containsEntry("chess#2026-11/2", "1/0")
                .containsEntry("chess#2026-11/0", "1/1")
                .containsEntry("chess#2026-12/2", "2/0")
                .containsEntry("chess#2026-12/1", "1/2")
                .containsEntry("chess#2026-12/0", "2/3");

        Map<String, String> lastTop = new HashMap<>();
        drain(top).forEach(t -> lastTop.put(t.getTournament(), describe(t)));
        assertThat(lastTop)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "chess#2026-11", "#1 ann:2, #2 bob:0",
                        // cid reached 2 before eve; bob (0 since the correction) is behind dan.
                        "chess#2026-12", "#1 cid:2, #1 eve:2, #3 dan:1"));

        assertThat(drain(late)).extracting(MatchResult::getMatchId).containsExactly("n3");
        assertThat(drain(deadLetters)).extracting(DeadLetter::getReason).containsExactly("CORRUPT");
        // Each result read in exactly one fate; the two corrections are accepted records too.
        assertThat(RecordFates.of(METRICS, job))
                .isEqualTo(Map.of(
                        RecordFate.ACCEPTED,
                        14L,
                        RecordFate.DUPLICATE,
                        1L,
                        RecordFate.LATE,
                        1L,
                        RecordFate.INVALID,
                        1L));
        assertThat(input).hasSize(17);
    }

    private static String describe(TopPlayers top) {
        return top.getPlayers().stream()
                .map(p -> "#" + p.getRank() + " " + p.getUserId() + ":" + p.getScore())
                .collect(Collectors.joining(", "));
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        iterator.close();
        return all;
    }

    private static Decoded<MatchResult> result(String match, String user, int points, long ts, int revision) {
        return Decoded.accepted(new MatchResult(match, "chess", user, points, ts, revision, null));
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("match-results")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .setSourceTimestamp(DEC)
                .setReason("CORRUPT")
                .setDetail("test")
                .setOriginal(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }
}
