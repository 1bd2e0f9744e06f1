package dev.tally.loadgen.leaderboard;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.Endpoints;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally verify leaderboard}: compare the job's Cassandra rows and Kafka output with a ground truth. */
@Command(
        name = "leaderboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare Cassandra (leaderboard_player_scores, leaderboard_score_histogram, leaderboard_top_players,",
            "leaderboard_score_order), the last committed update of every player and top list of every tournament, the",
            "dead letters and the records of the late topic with the ground truth written by 'tally loadgen leaderboard",
            "--truth', and with --api what sampled players see through the dashboard's API. Prints matched / missing /",
            "extra / wrong per output; exit 0 only on an exact match."
        })
public final class LeaderboardVerifyCommand implements Callable<Integer> {
    @Option(names = "--truth", required = true, description = "Ground truth file.")
    Path truthFile;

    @Option(
            names = "--input-topic",
            description = "The job's input topic; its .late and .dlq are read too (default: ${DEFAULT-VALUE}).")
    String inputTopic = Topics.MATCH_RESULTS;

    @Option(names = "--updates-topic", description = "(default: ${DEFAULT-VALUE})")
    String updatesTopic = Topics.LEADERBOARD_UPDATES;

    @Option(names = "--top-topic", description = "(default: ${DEFAULT-VALUE})")
    String topTopic = Topics.LEADERBOARD_TOP;

    @Option(names = "--keyspace", description = "(default: ${DEFAULT-VALUE})")
    String keyspace = "tally";

    @Option(names = "--top-k", description = "The job's --top-k (default: the one the truth was written with).")
    Integer topK;

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "The dashboard serving the keyspace (e.g. http://127.0.0.1:8090/): also read the rank, score,"
                    + " percentile and 4 neighbours on each side of 1,000 sampled players through its API.")
    URI api;

    @Option(
            names = "--players-file",
            description = "With --api: the display names imported ('tally players import'), which the API must show"
                    + " beside each sampled player (a player not in the file has none).")
    Path playersFile;

    @Mixin
    Endpoints endpoints = new Endpoints();

    @Override
    public Integer call() throws Exception {
        return run(endpoints, truthFile, inputTopic, updatesTopic, topTopic, keyspace, topK, api, playersFile);
    }

    /**
     * Prints the comparison; 0 on an exact match, 1 otherwise. {@code topK} null: the truth's; {@code
     * api} null: no check through the API; {@code playersFile} null: no check of display names.
     */
    public static int run(
            Endpoints endpoints,
            Path truthFile,
            String input,
            String updates,
            String top,
            String keyspace,
            Integer topK,
            URI api,
            Path playersFile)
            throws Exception {
        ExpectedLeaderboard truth = ExpectedLeaderboard.read(truthFile);
        if (topK != null) {
            truth = truth.withTopK(topK);
        }
        try (CqlSession session = endpoints.cassandraSession("tally-verify")) {
            LeaderboardVerifier.Report report = LeaderboardVerifier.verify(
                    truth,
                    new LeaderboardVerifier.Target(
                            endpoints.kafka(),
                            input,
                            updates,
                            top,
                            session,
                            keyspace,
                            api,
                            playersFile == null ? null : PlayerNamesCsv.read(playersFile, row -> null)));
            report.print(System.out);
            return report.exact() ? 0 : 1;
        }
    }
}
