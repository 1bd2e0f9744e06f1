package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.DeduplicateClicks;
import dev.tally.jobs.adclick.functions.MergeTopN;
import dev.tally.jobs.adclick.functions.PreAggregateClicks;
import dev.tally.jobs.adclick.functions.RollingTopCandidates;
import dev.tally.jobs.kit.JobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Options of the ad-click job: those of every job ({@link JobOptions}) and what the DAG computes. The
 * live run, the replay and the tests all parse this class.
 */
@Command(
        name = "ad-clicks",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Exact per-minute ad click counts per filter and country, and sliding top-N ads.")
public final class AdClickOptions extends JobOptions {

    @Option(names = "--counts-topic", description = "Per-minute counts topic (default: ${DEFAULT-VALUE}).")
    public String countsTopic = Topics.AD_CLICK_COUNTS;

    @Option(names = "--top-topic", description = "Top-N topic (default: ${DEFAULT-VALUE}).")
    public String topTopic = Topics.AD_TOP_ADS;

    @Option(names = "--filters", description = "YAML file of filters; without it only filter 0 (all clicks).")
    public Path filters;

    @Option(
            names = "--allowed-lateness",
            description = "Window lateness after the watermark (default: ${DEFAULT-VALUE}).")
    public Duration allowedLateness = Duration.ZERO;

    @Option(
            names = "--dedup-horizon",
            description = "Event-time horizon of click_id deduplication (default: ${DEFAULT-VALUE}).")
    public Duration dedupHorizon = DeduplicateClicks.DEFAULT_HORIZON;

    @Option(names = "--top-n", description = "Ads per top list (default: ${DEFAULT-VALUE}).")
    public int topN = MergeTopN.DEFAULT_TOP_N;

    @Option(names = "--windows", split = ",", description = "Top-N window sizes in minutes (default: 1,5,60).")
    public int[] windowMinutes = RollingTopCandidates.DEFAULT_WINDOW_MINUTES;

    @Option(
            names = "--pre-aggregate-max-entries",
            description = "Partial counts a subtask holds before it flushes (default: ${DEFAULT-VALUE}).")
    public int preAggregateMaxEntries = PreAggregateClicks.DEFAULT_MAX_ENTRIES;

    public AdClickOptions() {
        super(AdClickJob.NAME, Topics.AD_CLICKS);
    }

    /** Parses arguments; returns null after printing help (see {@link JobOptions#parse}). */
    public static AdClickOptions parse(String... args) {
        return JobOptions.parse(new AdClickOptions(), args);
    }

    @Override
    public Map<String, String> resultDefinition() {
        Map<String, String> definition = super.resultDefinition();
        definition.put("filters", digestOf(filters));
        definition.put("windows", Arrays.toString(windowMinutes));
        definition.put("top-n", Integer.toString(topN));
        definition.put("dedup-horizon", dedupHorizon.toString());
        definition.put("allowed-lateness", allowedLateness.toString());
        return definition;
    }

    public AdClickPipeline.Settings settings() {
        return new AdClickPipeline.Settings(
                filters == null ? ClickFilters.allOnly() : ClickFilters.load(filters),
                dedupHorizon,
                allowedLateness,
                topN,
                windowMinutes,
                preAggregateMaxEntries);
    }
}
