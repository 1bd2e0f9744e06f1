package dev.tally.jobs.leaderboard;

import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.kit.JobOptions;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options of the leaderboard job: those of every job ({@link JobOptions}) and what the DAG computes. */
@Command(
        name = LeaderboardJob.NAME,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Monthly scores per game, the exact top K with ranks, and a score histogram for any player's rank.")
public final class LeaderboardOptions extends JobOptions {

    public static final int MAX_TOP_K = 100;

    @Option(names = "--updates-topic", description = "Players' new scores (default: ${DEFAULT-VALUE}).")
    public String updatesTopic = Topics.LEADERBOARD_UPDATES;

    @Option(names = "--top-topic", description = "Top-K lists (default: ${DEFAULT-VALUE}).")
    public String topTopic = Topics.LEADERBOARD_TOP;

    @Option(
            names = "--top-k",
            description = "Players per top list, at most " + MAX_TOP_K + " (default: ${DEFAULT-VALUE}).")
    public int topK = 10;

    @Option(
            names = "--top-margin",
            description = "Players kept beyond K, for corrections that push listed players down (default: K).")
    public Integer topMargin;

    @Option(
            names = "--max-points",
            description = "More points in one result is a dead letter (default: ${DEFAULT-VALUE}).")
    public int maxPoints = 100;

    @Option(
            names = "--correction-horizon",
            description =
                    "How long after a match's event time a duplicate or correction of it is still applied; later ones are late (default: ${DEFAULT-VALUE}).")
    public Duration correctionHorizon = Duration.ofHours(1);

    public LeaderboardOptions() {
        super(LeaderboardJob.NAME, Topics.MATCH_RESULTS);
        // Game servers stamp results as matches end: little disorder, and players see scores sooner.
        outOfOrderness = Duration.ofSeconds(1);
    }

    @Override
    protected void validate() {
        super.validate();
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("--top-k must be in [1, " + MAX_TOP_K + "], was " + topK);
        }
        if (topMargin != null && topMargin < 0) {
            throw new IllegalArgumentException("--top-margin must not be negative, was " + topMargin);
        }
        if (maxPoints < 1) {
            throw new IllegalArgumentException("--max-points must be at least 1, was " + maxPoints);
        }
        if (correctionHorizon.isNegative() || correctionHorizon.isZero()) {
            throw new IllegalArgumentException("--correction-horizon must be positive, was " + correctionHorizon);
        }
    }

    @Override
    public Map<String, String> resultDefinition() {
        Map<String, String> definition = super.resultDefinition();
        definition.put("top-k", Integer.toString(topK));
        definition.put("max-points", Integer.toString(maxPoints));
        definition.put("correction-horizon", correctionHorizon.toString());
        return definition;
    }

    public LeaderboardPipeline.Settings settings() {
        return new LeaderboardPipeline.Settings(topK, topMargin == null ? topK : topMargin, correctionHorizon);
    }
}
