package dev.tally.loadgen.metrics;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.Endpoints;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally verify metrics}: compare the job's Cassandra rows and Kafka output with a ground truth. */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare Cassandra (metric_rollups_1m, metric_rollups_1h), the last committed rollup of every bucket, the",
            "dead letters (every conflicting value, the others by reason) and the points of the late topic with the",
            "ground truth written by 'tally loadgen metrics --truth'; with --alerts-topic, the alert events too. Prints",
            "matched / missing / extra / wrong per output; exit 0 only on an exact match."
        })
public final class MetricsVerifyCommand implements Callable<Integer> {
    @Option(names = "--truth", required = true, description = "Ground truth file.")
    Path truthFile;

    @Option(
            names = "--input-topic",
            description = "The job's input topic; its .late and .dlq are read too (default: ${DEFAULT-VALUE}).")
    String inputTopic = Topics.METRICS;

    @Option(names = "--rollups-topic", description = "(default: ${DEFAULT-VALUE})")
    String rollupsTopic = Topics.METRIC_ROLLUPS;

    @Option(
            names = "--alerts-topic",
            description =
                    "The job's alerts topic, when it ran with the rules of 'tally loadgen metrics --alert-episodes': its events, alert_history and alert_state are compared too.")
    String alertsTopic;

    @Option(names = "--keyspace", description = "(default: ${DEFAULT-VALUE})")
    String keyspace = "tally";

    @Mixin
    Endpoints endpoints = new Endpoints();

    @Override
    public Integer call() {
        return run(endpoints, truthFile, inputTopic, rollupsTopic, alertsTopic, keyspace);
    }

    /** Prints the comparison; 0 on an exact match, 1 otherwise. */
    public static int run(
            Endpoints endpoints, Path truthFile, String input, String rollups, String alerts, String keyspace) {
        ExpectedMetrics truth = ExpectedMetrics.read(truthFile);
        try (CqlSession session = endpoints.cassandraSession("tally-verify")) {
            MetricsVerifier.Report report = MetricsVerifier.verify(
                    truth, new MetricsVerifier.Target(endpoints.kafka(), input, rollups, alerts, session, keyspace));
            report.print(System.out);
            return report.exact() ? 0 : 1;
        }
    }
}
