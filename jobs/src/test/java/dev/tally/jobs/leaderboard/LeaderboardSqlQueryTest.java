package dev.tally.jobs.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.SqlTables;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink SQL yardstick of {@code tally bench leaderboard} on a MiniCluster, over a hand-computed
 * input: each match's highest revision once, scores, reached-at, and the last top list of each
 * tournament in the job's display order, so that comparing its speed with the job's means something.
 */
class LeaderboardSqlQueryTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();

    @Test
    void scoresAndTheLastTopListOfEachTournament() throws Exception {
        List<Decoded<MatchResult>> input = new ArrayList<>();
        input.add(result("m1", "ann", 1, 0, 0));
        input.add(result("m1", "bob", 0, 0, 0));
        input.add(result("m2", "bob", 1, 10, 0));
        input.add(result("m2", "cid", 0, 10, 0));
        input.add(result("m2", "bob", 1, 10, 0)); // a duplicate
        input.add(result("m3", "cid", 1, 20, 0));
        input.add(result("m3", "dan", 0, 20, 0));
        input.add(result("m4", "dan", 1, 30, 0));
        input.add(result("m4", "ann", 0, 30, 0));
        input.add(result("m4", "dan", 0, 30, 1)); // a correction: the win goes to ann
        input.add(result("m4", "ann", 1, 30, 1));
        input.add(result("m5", "eve", 3, 40, 0));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        LeaderboardPipeline.Outputs outputs = LeaderboardSqlQuery.build(
                SqlTables.create(env, "leaderboard-sql-test"),
                env.fromData(input, Decoded.typeInfo(MatchResult.class)),
                3);
        assertThat(outputs.late()).isNull();
        assertThat(outputs.histogram()).isNull();
        CloseableIterator<LeaderboardUpdate> updates = outputs.updates().collectAsync();
        CloseableIterator<TopPlayers> lists = outputs.top().collectAsync();
        env.execute("leaderboard-sql-test");

        Map<String, String> scores = new LinkedHashMap<>();
        updates.forEachRemaining(u -> scores.put(u.getUserId(), u.getScore() + "@" + (u.getReachedAt() - T0)));
        assertThat(scores)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("ann", "2@30", "bob", "1@10", "cid", "1@20", "dan", "0@20", "eve", "3@40"));
        TopPlayers last = null;
        for (TopPlayers list : (Iterable<TopPlayers>) () -> lists) {
            assertThat(last == null || list.getAsOf() > last.getAsOf()).isTrue();
            last = list;
        }
        // Ties in display order (who reached the score first), numbered by position.
        assertThat(last.getTournament()).isEqualTo("chess#2026-12");
        assertThat(last.getPlayers())
                .extracting(RankedPlayer::getUserId, RankedPlayer::getScore, RankedPlayer::getRank)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("eve", 3L, 1L),
                        org.assertj.core.groups.Tuple.tuple("ann", 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple("bob", 1L, 3L));
    }

    private static Decoded<MatchResult> result(String match, String user, int points, long offset, int revision) {
        return Decoded.accepted(new MatchResult(match, "chess", user, points, T0 + offset, revision, null));
    }
}
