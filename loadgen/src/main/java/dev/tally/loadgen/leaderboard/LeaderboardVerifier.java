package dev.tally.loadgen.leaderboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.DeadLetterReasons;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerScore;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreCount;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreKey;
import dev.tally.loadgen.leaderboard.reference.StandingsOverTime;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what the leaderboard job wrote (Cassandra rows, committed Kafka records) with the ground truth
 * of the generated input. Exact: every player's score and reached_at, every held score's histogram row,
 * every tournament's top K, every top list the job published (each the reference's list as of its time)
 * and the dead-letter count, given the records the job routed to the late topic,
 * which must all have been sent beyond the correction horizon. The only class of the tools that reads the
 * job's table definitions.
 */
public final class LeaderboardVerifier {

    /**
     * Where the job's results are; {@code api}, if not null, the dashboard serving them; {@code names}, if
     * not null, the display names imported for the players (user id to name), which the API must show.
     */
    public record Target(
            KafkaClients kafka,
            String inputTopic,
            String updatesTopic,
            String topTopic,
            CqlSession session,
            String keyspace,
            URI api,
            Map<String, String> names) {

        public Target(
                KafkaClients kafka,
                String inputTopic,
                String updatesTopic,
                String topTopic,
                CqlSession session,
                String keyspace,
                URI api) {
            this(kafka, inputTopic, updatesTopic, topTopic, session, keyspace, api, null);
        }
    }

    /** Players whose rank and neighbours are read through the API, and how many neighbours on each side. */
    static final int API_SAMPLE = 1_000;

    static final int API_NEIGHBOURS = 4;

    /** A player's row in the order table: where it stands among the players of its score. */
    public record Place(String tournament, long score, long reachedAt, String userId) {}

    /** A published top list: complete or not, and its players. */
    public record TopList(boolean complete, List<Ranked> players) {}

    /** The verdict: a comparison per output, the per-record checks, and the dead-letter and late tallies. */
    public record Report(
            List<Comparison> comparisons,
            List<RecordCheck> checks,
            long deadLetters,
            long expectedDeadLetters,
            Map<String, Long> deadLetterReasons,
            long lateRecords,
            ExpectedLeaderboard.Totals sent) {

        public boolean exact() {
            return comparisons.stream().allMatch(Comparison::exact)
                    && checks.stream().allMatch(RecordCheck::passed)
                    && deadLetters == expectedDeadLetters;
        }

        public void print(PrintStream out) {
            out.printf("%-48s %10s %8s %8s %8s%n", "OUTPUT", "MATCHED", "MISSING", "EXTRA", "WRONG");
            for (Comparison c : comparisons) {
                out.printf("%-48s %10d %8d %8d %8d%n", c.what(), c.matched(), c.missing(), c.extra(), c.wrong());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf("%-48s %10s %8s%n", "CHECK", "RECORDS", "FAILED");
            for (RecordCheck c : checks) {
                out.printf("%-48s %10d %8d%n", c.what(), c.checked(), c.failed());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf(
                    "dead letters: %d (generator injected %d malformed) %s%n",
                    deadLetters, expectedDeadLetters, deadLetterReasons);
            out.printf(
                    "late: %d records routed to the late topic of %d the generator sent beyond the horizon (%d late results,"
                            + " %d stale duplicates); the job applied the other %d, its watermark not yet past them, and so"
                            + " does the expected state%n",
                    lateRecords, sent.late(), sent.lateResults(), sent.staleDuplicates(), sent.late() - lateRecords);
            out.println(exact() ? "RESULT: EXACT MATCH" : "RESULT: MISMATCH");
        }
    }

    private LeaderboardVerifier() {}

    public static Report verify(ExpectedLeaderboard truth, Target target)
            throws AvroDecodeException, IOException, InterruptedException {
        // What the job routed to the late topic: only records sent beyond the horizon may be there, and
        // the others of those it applied (its watermark had not passed them yet), as the truth then must.
        List<RecordCheck> checks = new ArrayList<>();
        String lateTopic = Topics.late(target.inputTopic());
        // A record may have been sent beyond the horizon more than once (a stale re-send picked twice):
        // it may be routed as many times as it was sent, no more.
        Map<ResultId, Integer> sentBeyondHorizon = new HashMap<>();
        truth.beyondHorizon().forEach(r -> sentBeyondHorizon.merge(ResultId.of(r), 1, Integer::sum));
        Set<ResultId> routedLate = new HashSet<>();
        AvroCodec<MatchResult> resultCodec = AvroCodec.of(MatchResult.class);
        RecordCheck.Builder onlyBeyondHorizon =
                new RecordCheck.Builder("kafka " + lateTopic + " only beyond the horizon");
        long lateRecords = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), lateTopic)) {
            ResultId id = ResultId.of(resultCodec.decode(r.value()));
            routedLate.add(id);
            lateRecords++;
            boolean sent = sentBeyondHorizon.merge(id, -1, Integer::sum) >= 0;
            onlyBeyondHorizon.check(
                    sent, () -> "routed to the late topic more often than sent beyond the horizon: " + id);
        }
        checks.add(onlyBeyondHorizon.build());

        LeaderboardStandings expected = truth.standingsApplying(routedLate);
        List<Comparison> comparisons = cassandraComparisons(expected, target.session(), target.keyspace());
        comparisons.add(
                Comparison.of("kafka " + target.updatesTopic(), expected.players(), kafkaScores(target, checks)));
        List<TopPlayers> everyList = new ArrayList<>();
        comparisons.add(
                Comparison.of("kafka " + target.topTopic(), topLists(expected), kafkaTop(target, checks, everyList)));
        checks.add(everyListAsOfItsTime(truth.sentApplying(routedLate), expected.topK(), everyList, target.topTopic()));
        if (target.api() != null) {
            checks.add(new LeaderboardApiCheck(target.api(), target.names())
                    .check(expected, API_SAMPLE, API_NEIGHBOURS, 7));
        }

        List<ConsumerRecord<byte[], byte[]>> deadLetters =
                TopicReader.readCommitted(target.kafka(), Topics.deadLetter(target.inputTopic()));
        return new Report(
                comparisons,
                checks,
                deadLetters.size(),
                truth.totals().malformed(),
                DeadLetterReasons.of(deadLetters),
                lateRecords,
                truth.totals());
    }

    /**
     * A replay's tables against the standings with every result applied, those sent beyond the horizon
     * too: a replay routes nothing late (BATCH: no watermark passes a result before it is applied).
     */
    public static List<Comparison> verifyReplay(ExpectedLeaderboard truth, CqlSession session, String keyspace) {
        return cassandraComparisons(truth.standingsApplying(Set.of()), session, keyspace);
    }

    /** The job's four tables in {@code keyspace} against {@code expected}. */
    private static List<Comparison> cassandraComparisons(
            LeaderboardStandings expected, CqlSession session, String keyspace) {
        Target target = new Target(null, null, null, null, session, keyspace, null);
        List<Comparison> comparisons = new ArrayList<>();
        comparisons.add(
                Comparison.of("cassandra leaderboard_player_scores", expected.players(), cassandraScores(target)));
        comparisons.add(Comparison.of(
                "cassandra leaderboard_score_histogram", expected.histogram(), cassandraHistogram(target)));
        comparisons.add(Comparison.of("cassandra leaderboard_top_players", topLists(expected), cassandraTop(target)));
        Map<Place, Boolean> expectedPlaces = new HashMap<>();
        expected.players()
                .forEach((player, score) -> expectedPlaces.put(
                        new Place(player.tournament(), score.score(), score.reachedAt(), player.userId()), true));
        // A place a player left but the table kept would be an extra row here.
        comparisons.add(Comparison.of("cassandra leaderboard_score_order", expectedPlaces, cassandraPlaces(target)));
        return comparisons;
    }

    private static Map<String, TopList> topLists(LeaderboardStandings expected) {
        Map<String, TopList> lists = new HashMap<>();
        expected.top().forEach((tournament, players) -> lists.put(tournament, new TopList(true, players)));
        return lists;
    }

    private static Iterable<Row> rows(Target target, String cql) {
        return target.session().execute(SimpleStatement.newInstance(cql).setPageSize(5000));
    }

    private static Map<PlayerKey, PlayerScore> cassandraScores(Target target) {
        Map<PlayerKey, PlayerScore> actual = new HashMap<>();
        for (Row row : rows(target, LeaderboardTables.PLAYER_SCORES.selectCql(target.keyspace()))) {
            LeaderboardUpdate u = LeaderboardTables.PLAYER_SCORES.read(row);
            actual.put(
                    new PlayerKey(u.getTournament(), u.getUserId()), new PlayerScore(u.getScore(), u.getReachedAt()));
        }
        return actual;
    }

    /** The rows of held scores: a score nobody holds any more may keep its row with players = 0. */
    private static Map<ScoreKey, ScoreCount> cassandraHistogram(Target target) {
        Map<ScoreKey, ScoreCount> actual = new HashMap<>();
        for (Row row : rows(target, LeaderboardTables.SCORE_HISTOGRAM.selectCql(target.keyspace()))) {
            ScoreBucket b = LeaderboardTables.SCORE_HISTOGRAM.read(row);
            if (b.getPlayers() != 0) {
                actual.put(
                        new ScoreKey(b.getTournament(), b.getScore()),
                        new ScoreCount(b.getPlayers(), b.getPlayersAbove()));
            }
        }
        return actual;
    }

    private static Map<Place, Boolean> cassandraPlaces(Target target) {
        Map<Place, Boolean> actual = new HashMap<>();
        for (Row row : rows(target, LeaderboardTables.SCORE_ORDER.selectCql(target.keyspace()))) {
            PlayerPosition p = LeaderboardTables.SCORE_ORDER.read(row);
            actual.put(new Place(p.tournament, p.score, p.reachedAt, p.userId), p.present);
        }
        return actual;
    }

    private static Map<String, TopList> cassandraTop(Target target) {
        Map<String, TopList> actual = new HashMap<>();
        for (Row row : rows(target, LeaderboardTables.TOP_PLAYERS.selectCql(target.keyspace()))) {
            TopPlayers t = LeaderboardTables.TOP_PLAYERS.read(row);
            actual.put(t.getTournament(), topList(t));
        }
        return actual;
    }

    /** The last update of each player (one player's updates share a key, so a partition, so their order). */
    private static Map<PlayerKey, PlayerScore> kafkaScores(Target target, List<RecordCheck> checks)
            throws AvroDecodeException {
        AvroCodec<LeaderboardUpdate> codec = AvroCodec.of(LeaderboardUpdate.class);
        Map<PlayerKey, PlayerScore> actual = new HashMap<>();
        RecordCheck.Builder keys =
                new RecordCheck.Builder("kafka " + target.updatesTopic() + " keyed tournament#user_id");
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.updatesTopic())) {
            LeaderboardUpdate u = codec.decode(r.value());
            keys.check(keyIs(r, u.getTournament() + "#" + u.getUserId()), () -> "key " + keyOf(r) + " of " + u);
            actual.put(
                    new PlayerKey(u.getTournament(), u.getUserId()), new PlayerScore(u.getScore(), u.getReachedAt()));
        }
        checks.add(keys.build());
        return actual;
    }

    /** The last list of each tournament; every list must be in display order with ranks that never fall. */
    private static Map<String, TopList> kafkaTop(Target target, List<RecordCheck> checks, List<TopPlayers> everyList)
            throws AvroDecodeException {
        AvroCodec<TopPlayers> codec = AvroCodec.of(TopPlayers.class);
        Map<String, TopList> actual = new HashMap<>();
        RecordCheck.Builder keys = new RecordCheck.Builder("kafka " + target.topTopic() + " keyed tournament");
        RecordCheck.Builder order = new RecordCheck.Builder("kafka " + target.topTopic() + " in display order");
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.topTopic())) {
            TopPlayers t = codec.decode(r.value());
            TopList list = topList(t);
            keys.check(keyIs(r, t.getTournament()), () -> "key " + keyOf(r) + " of the list of " + t.getTournament());
            order.check(
                    inDisplayOrder(list.players()),
                    () -> t.getTournament() + " as of " + t.getAsOf() + ": " + list.players());
            actual.put(t.getTournament(), list);
            everyList.add(t);
        }
        checks.add(keys.build());
        checks.add(order.build());
        return actual;
    }

    /**
     * Every list published, against the reference's list as of its time over the records the job applied
     * ({@code applied}). A complete list must equal it; an incomplete one (corrections exhausted its
     * margin) must be a shorter beginning of it.
     */
    static RecordCheck everyListAsOfItsTime(List<MatchResult> applied, int topK, List<TopPlayers> lists, String topic) {
        StandingsOverTime reference = new StandingsOverTime(applied, topK);
        List<TopPlayers> inTimeOrder = new ArrayList<>(lists);
        inTimeOrder.sort(
                Comparator.comparing((TopPlayers t) -> t.getTournament().toString())
                        .thenComparingLong(TopPlayers::getAsOf));
        RecordCheck.Builder check = new RecordCheck.Builder("kafka " + topic + " every list as of its time");
        for (TopPlayers t : inTimeOrder) {
            List<Ranked> expected = reference.topAsOf(t.getTournament().toString(), t.getAsOf());
            TopList actual = topList(t);
            boolean matches = actual.complete()
                    ? actual.players().equals(expected)
                    : actual.players().size() < expected.size()
                            && expected.subList(0, actual.players().size()).equals(actual.players());
            check.check(
                    matches,
                    () -> t.getTournament() + " as of " + t.getAsOf() + (actual.complete() ? "" : " (incomplete)")
                            + ": " + actual.players() + ", expected " + expected);
        }
        return check.build();
    }

    /** Strictly in display order (score descending, then reached_at, then user_id), with ranks that never fall. */
    static boolean inDisplayOrder(List<Ranked> players) {
        for (int i = 1; i < players.size(); i++) {
            Ranked before = players.get(i - 1);
            Ranked p = players.get(i);
            if (LeaderboardStandings.DISPLAY_ORDER.compare(before, p) >= 0 || before.rank() > p.rank()) {
                return false;
            }
        }
        return true;
    }

    private static TopList topList(TopPlayers t) {
        List<Ranked> players = new ArrayList<>(t.getPlayers().size());
        for (RankedPlayer p : t.getPlayers()) {
            players.add(new Ranked(p.getUserId(), p.getScore(), p.getRank(), p.getReachedAt()));
        }
        return new TopList(t.getComplete(), List.copyOf(players));
    }

    private static boolean keyIs(ConsumerRecord<byte[], byte[]> r, String expected) {
        return expected.equals(keyOf(r));
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
