package dev.tally.loadgen.metrics;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.JobDemo;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The metrics demo: 295 series (3 pools x 8 hosts x 12 metrics, two cluster series and the five of the
 * alert episodes) sampled every 10 s for about two and a half hours of event time, so several hours are
 * rolled up, with duplicates, conflicting values, delayed and late points, counter restarts, silent hosts
 * and records to dead-letter; a cardinality flood of two new series an interval against a limit of 100
 * series per metric and hour; the job's default lateness of 5 minutes, and the episodes' alert rules
 * (every alert event checked too).
 */
public final class MetricsDemo implements JobDemo {

    /** Above every metric's 24 hosts; the flood's 720 new series an hour go over it. */
    private static final int MAX_SERIES_PER_NAME = 100;

    @Override
    public long defaultEvents() {
        return 250_000;
    }

    @Override
    public Map<String, Integer> topics(Run run) {
        String input = input(run);
        return Map.of(input, 4, Topics.deadLetter(input), 1, Topics.late(input), 1, rollups(run), 4, alerts(run), 1);
    }

    @Override
    public void generate(Run run) throws Exception {
        MetricsLoadgenCommand loadgen = MetricsLoadgenCommand.of(run.endpoints(), input(run), run.events());
        loadgen.truthFile = truth(run);
        loadgen.alertEpisodes = true;
        loadgen.alertRulesFile = rules(run);
        loadgen.maxSeriesPerName = MAX_SERIES_PER_NAME;
        loadgen.flood = 2;
        loadgen.call();
    }

    @Override
    public List<String> jobArguments(Run run) {
        return List.of(
                "--input-topic",
                input(run),
                "--rollups-topic",
                rollups(run),
                "--alerts-topic",
                alerts(run),
                "--alert-rules",
                rules(run).toString(),
                "--max-series-per-name",
                Integer.toString(MAX_SERIES_PER_NAME));
    }

    @Override
    public int verify(Run run, URI dashboard) {
        return MetricsVerifyCommand.run(
                run.endpoints(), truth(run), input(run), rollups(run), alerts(run), run.keyspace());
    }

    @Override
    public List<String> dashboardArguments(Run run) {
        return List.of();
    }

    @Override
    public List<String> whereToLook(Run run) {
        return List.of(
                "Cassandra tables: metric_rollups_1m, metric_rollups_1h, metric_raw_minutes, metric_series,"
                        + " metric_series_by_label, alert_history, alert_state",
                "Kafka topics:     " + rollups(run) + ", " + alerts(run) + ", " + Topics.deadLetter(input(run)) + ", "
                        + Topics.late(input(run)),
                "Alert rules:      " + rules(run),
                "Ground truth:     " + truth(run));
    }

    private static String input(Run run) {
        return run.topic(Topics.METRICS);
    }

    private static String rollups(Run run) {
        return run.topic(Topics.METRIC_ROLLUPS);
    }

    private static String alerts(Run run) {
        return run.topic(Topics.ALERTS);
    }

    private static Path rules(Run run) {
        return run.dir().resolve("alert-rules.yaml");
    }

    private static Path truth(Run run) {
        return run.dir().resolve("truth.tsv");
    }
}
