package dev.tally.jobs.metrics;

import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.metrics.alerts.AlertRule;
import dev.tally.jobs.metrics.alerts.AlertRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options of the metrics job: those of every job ({@link JobOptions}) and what the DAG computes. */
@Command(
        name = MetricsJob.NAME,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Exact 1-minute and 1-hour rollups of every metric series.")
public final class MetricsOptions extends JobOptions {

    /** Ten times the series of a metric in the fleet of 200,000 (2,000 hosts). */
    public static final int DEFAULT_MAX_SERIES_PER_NAME = 20_000;

    @Option(names = "--rollups-topic", description = "Rollups of every series (default: ${DEFAULT-VALUE}).")
    public String rollupsTopic = Topics.METRIC_ROLLUPS;

    @Option(names = "--alerts-topic", description = "Alert state changes (default: ${DEFAULT-VALUE}).")
    public String alertsTopic = Topics.ALERTS;

    @Option(
            names = "--alert-rules",
            description =
                    "YAML file of alert rules (Prometheus's layout; the job's README has the expressions); without it no alerts.")
    public Path alertRules;

    @Option(
            names = "--allowed-lateness",
            description =
                    "How long after a minute's end a point still changes its rollups; later ones are late (default: ${DEFAULT-VALUE}).")
    public Duration allowedLateness = Duration.ofMinutes(5);

    @Option(
            names = "--max-series-per-name",
            description = "The cardinality guard: at most this many series of one metric name in one UTC hour;"
                    + " the points of the others are dead letters (SERIES_LIMIT; default: ${DEFAULT-VALUE}).")
    public int maxSeriesPerName = DEFAULT_MAX_SERIES_PER_NAME;

    @Option(
            names = "--raw-retention",
            description = "How long a minute's raw samples are kept after the minute (default: ${DEFAULT-VALUE}).")
    public Duration rawRetention = RetentionPolicy.DEFAULT_RAW;

    @Option(
            names = "--minute-retention",
            description = "How long minute rollups are kept after their minute (default: ${DEFAULT-VALUE}).")
    public Duration minuteRetention = RetentionPolicy.DEFAULT_MINUTE;

    @Option(
            names = "--hour-retention",
            description = "How long hour rollups are kept after their hour (default: ${DEFAULT-VALUE}).")
    public Duration hourRetention = RetentionPolicy.DEFAULT_HOUR;

    @Option(
            names = "--retention-overrides",
            description = "YAML of metrics kept longer or shorter than the job's retentions: metric name to"
                    + " {raw: <ISO-8601 duration>, minute: <duration>, hour: <duration>}, e.g."
                    + " 'http_requests_total: {minute: P90D}'.")
    public Path retentionOverrides;

    public MetricsOptions() {
        super(MetricsJob.NAME, Topics.METRICS);
    }

    @Override
    protected void validate() {
        super.validate();
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("--allowed-lateness must not be negative, was " + allowedLateness);
        }
        if (maxSeriesPerName < 1) {
            throw new IllegalArgumentException("--max-series-per-name must be at least 1, was " + maxSeriesPerName);
        }
        retention(); // reads and checks the overrides at submission
    }

    /** The retentions of the options and of the overrides file. */
    public RetentionPolicy retention() {
        return RetentionPolicy.of(rawRetention, minuteRetention, hourRetention, retentionOverrides);
    }

    /** The alert rules, read from the file at submission (so a bad file fails there); none without {@code --alert-rules}. */
    public List<AlertRule> rules() {
        return alertRules == null ? List.of() : AlertRules.load(alertRules);
    }

    @Override
    public Map<String, String> resultDefinition() {
        Map<String, String> definition = super.resultDefinition();
        definition.put("allowed-lateness", allowedLateness.toString());
        definition.put("max-series-per-name", Integer.toString(maxSeriesPerName));
        definition.put("alert-rules", digestOf(alertRules));
        return definition;
    }
}
