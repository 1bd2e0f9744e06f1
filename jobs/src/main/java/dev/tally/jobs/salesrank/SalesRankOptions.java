package dev.tally.jobs.salesrank;

import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.kit.JobOptions;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options of the sales-rank job: those of every job ({@link JobOptions}) and what the DAG computes. */
@Command(
        name = SalesRankJob.NAME,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Best sellers per category over the last 7 days, every hour, from purchases.")
public final class SalesRankOptions extends JobOptions {

    public static final int MAX_TOP_N = 100;

    @Option(
            names = "--sales-rank-topic",
            description = "Each category's best sellers per window (default: ${DEFAULT-VALUE}).")
    public String salesRankTopic = Topics.SALES_RANK;

    @Option(
            names = "--top-n",
            description = "Products per list, at most " + MAX_TOP_N + " (default: ${DEFAULT-VALUE}).")
    public int topN = 10;

    @Option(
            names = "--max-qty",
            description = "More units in one purchase is a dead letter (default: ${DEFAULT-VALUE}).")
    public int maxQty = 1000;

    @Option(
            names = "--dedup-horizon",
            description =
                    "How long after a purchase's event time a copy of its tx_id is still recognised; at least an hour (default: ${DEFAULT-VALUE}).")
    public Duration dedupHorizon = Duration.ofHours(1);

    @Option(
            names = "--retention",
            description =
                    "How long a window's row lives in Cassandra after the window's end (default: ${DEFAULT-VALUE}).")
    public Duration retention = Duration.ofDays(35);

    public SalesRankOptions() {
        super(SalesRankJob.NAME, Topics.PURCHASES);
    }

    @Override
    protected void validate() {
        super.validate();
        if (topN < 1 || topN > MAX_TOP_N) {
            throw new IllegalArgumentException("--top-n must be in [1, " + MAX_TOP_N + "], was " + topN);
        }
        if (maxQty < 1) {
            throw new IllegalArgumentException("--max-qty must be at least 1, was " + maxQty);
        }
        if (dedupHorizon.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("--dedup-horizon must be at least an hour, was " + dedupHorizon);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("--retention must be positive, was " + retention);
        }
    }

    @Override
    public Map<String, String> resultDefinition() {
        Map<String, String> definition = super.resultDefinition();
        definition.put("top-n", Integer.toString(topN));
        definition.put("max-qty", Integer.toString(maxQty));
        definition.put("dedup-horizon", dedupHorizon.toString());
        return definition;
    }

    public SalesRankPipeline.Settings settings() {
        return new SalesRankPipeline.Settings(topN, dedupHorizon, inputTopic);
    }
}
