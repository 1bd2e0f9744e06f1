package dev.tally.loadgen.leaderboard;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.JobDemo;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The leaderboard demo: match results over about eight hours of event time (so that late results, three
 * hours behind, are in it), with duplicates, corrections, late and stale results and malformed records;
 * the job's default top 10.
 */
public final class LeaderboardDemo implements JobDemo {

    private static final int TOP_K = 10;

    @Override
    public long defaultEvents() {
        return 300_000;
    }

    @Override
    public Map<String, Integer> topics(Run run) {
        String input = input(run);
        return Map.of(input, 4, Topics.deadLetter(input), 1, Topics.late(input), 1, updates(run), 4, top(run), 4);
    }

    @Override
    public void generate(Run run) throws Exception {
        LeaderboardLoadgenCommand loadgen = LeaderboardLoadgenCommand.of(run.endpoints(), input(run), run.events());
        loadgen.topK = TOP_K;
        loadgen.truthFile = truth(run);
        loadgen.playersFile = players(run);
        loadgen.call();
    }

    @Override
    public List<List<String>> setupCommands(Run run) {
        return List.of(List.of("players", "import", players(run).toString(), "--keyspace", run.keyspace()));
    }

    @Override
    public List<String> jobArguments(Run run) {
        return List.of(
                "--input-topic", input(run),
                "--updates-topic", updates(run),
                "--top-topic", top(run));
    }

    @Override
    public int verify(Run run, URI dashboard) throws Exception {
        return LeaderboardVerifyCommand.run(
                run.endpoints(),
                truth(run),
                input(run),
                updates(run),
                top(run),
                run.keyspace(),
                TOP_K,
                dashboard,
                players(run));
    }

    @Override
    public List<String> dashboardArguments(Run run) {
        return List.of();
    }

    @Override
    public List<String> whereToLook(Run run) {
        return List.of(
                "Cassandra tables: leaderboard_player_scores, leaderboard_score_histogram, leaderboard_top_players,"
                        + " leaderboard_score_order, leaderboard_players",
                "Kafka topics:     " + updates(run) + ", " + top(run) + ", " + Topics.deadLetter(input(run)) + ", "
                        + Topics.late(input(run)),
                "Ground truth:     " + truth(run),
                "Display names:    " + players(run));
    }

    private static String input(Run run) {
        return run.topic(Topics.MATCH_RESULTS);
    }

    private static String updates(Run run) {
        return run.topic(Topics.LEADERBOARD_UPDATES);
    }

    private static String top(Run run) {
        return run.topic(Topics.LEADERBOARD_TOP);
    }

    private static Path players(Run run) {
        return run.dir().resolve("players.csv");
    }

    private static Path truth(Run run) {
        return run.dir().resolve("truth.tsv");
    }
}
