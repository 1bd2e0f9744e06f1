package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.metrics.MetricsJob;
import dev.tally.jobs.metrics.MetricsOptions;
import dev.tally.loadgen.metrics.AlertEpisodes;
import dev.tally.loadgen.metrics.ExpectedMetrics;
import dev.tally.loadgen.metrics.MetricsGenerator;
import dev.tally.loadgen.metrics.MetricsSettings;
import dev.tally.loadgen.metrics.MetricsTruth;
import dev.tally.loadgen.metrics.MetricsVerifier;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics job against the real Kafka and Cassandra, with a task failure injected after a completed
 * checkpoint: after recovery every minute and hour rollup in Cassandra and on the rollups topic, and
 * every dead letter, equal the reference's, given the points the job routed late; and so does every
 * alert event of the episodes' rules, on the alerts topic and in alert_history and alert_state.
 */
@ExtendWith(RealServicesExtension.class)
class MetricsJobITCase {

    // One partition, as in the replay tests: a single split reads in offset order, so the watermark
    // follows the stream and late candidates are late for sure. With four, a reader fetching one
    // partition ahead of another held the watermark back and, in a CI run, no point was late.
    private static final int PARTITIONS = 1;
    private static final int RECORDS = 60_000;

    // About 100 minutes of event time from four hours ago: two hours' rollups, late candidates, and
    // closing points (an hour and the lateness past the last point) still in the past, as the broker
    // wants; its time-based retention keeps every record.
    private static final long START = Instant.now()
            .truncatedTo(ChronoUnit.HOURS)
            .minus(4, ChronoUnit.HOURS)
            .toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void recoversFromAFailureWithExactRollups(TestKafka kafka, TestCassandra cassandra) throws Exception {
        String input = kafka.newTopic("metrics", PARTITIONS);
        kafka.createTopics(input + ".dlq", input + ".late");
        String rollups = kafka.newTopic("metric-rollups", 2);
        String alerts = kafka.newTopic("alerts", 1);
        String keyspace = cassandra.newKeyspace();
        Path rules = Files.writeString(dir.resolve("alert-rules.yaml"), AlertEpisodes.rulesYaml());

        MetricsOptions options = JobOptions.parse(
                new MetricsOptions(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                input,
                "--rollups-topic",
                rollups,
                "--alerts-topic",
                alerts,
                "--alert-rules",
                rules.toString(),
                "--allowed-lateness",
                "PT5M",
                "--max-series-per-name",
                "30",
                "--cassandra",
                cassandra.contactPoint(),
                "--keyspace",
                keyspace,
                "--bounded",
                "--transactional-id-prefix",
                "it-" + input);

        // 2 pools x 6 hosts x 8 metrics, the two cluster series and the alert episodes' five: 103 series every 10 s.
        MetricsTruth truth = new MetricsTruth();
        MetricsSettings settings = new MetricsSettings(
                7,
                RECORDS,
                2,
                6,
                8,
                Duration.ofSeconds(10),
                START,
                Duration.ofSeconds(3),
                PARTITIONS,
                options.allowedLateness,
                0.02,
                0.01,
                0.01,
                0.004,
                0.002,
                0.004,
                0.005,
                0.3,
                true,
                options.maxSeriesPerName,
                1);
        assertThat(LoadProducer.produce(
                        KafkaClients.of(kafka.bootstrapServers()), input, new MetricsGenerator(settings, truth)))
                .isEqualTo(RECORDS);

        Configuration config = new Configuration();
        config.setString("state.backend.type", "rocksdb");
        config.setString("execution.checkpointing.interval", "500ms");
        config.setString(
                "execution.checkpointing.dir",
                dir.resolve("checkpoints").toUri().toString());
        config.setString("restart-strategy.type", "fixed-delay");
        config.setString("restart-strategy.fixed-delay.attempts", "3");
        config.setString("restart-strategy.fixed-delay.delay", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, config);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);

        Path marker = dir.resolve("failed");
        MetricsJob job = new MetricsJob();
        DataStream<Decoded<MetricPoint>> points = JobRunner.liveInput(env, job, options);
        DataStream<Decoded<MetricPoint>> failing = points.map(
                        new FailOnceAfterCheckpoint<>(marker, 5_000), points.getType())
                .name("fail-once");
        job.attachSinks(job.build(failing, options), options);
        env.execute("metrics-it");

        assertThat(marker).as("the injected failure happened").exists();
        ExpectedMetrics expected = truth.expected(options.allowedLateness, options.maxSeriesPerName);
        MetricsVerifier.Report report = MetricsVerifier.verify(
                expected,
                new MetricsVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()),
                        input,
                        rollups,
                        alerts,
                        cassandra.session(),
                        keyspace));
        report.print(System.out);
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.exact()).as(c.toString()).isTrue());
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
        assertThat(report.checks())
                .allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
        assertThat(report.deadLetters())
                .isEqualTo(expected.totals().deadLetters()
                        + report.expected().conflicts()
                        + report.expected().limited());
        assertThat(report.expected().limited())
                .as("the flood went over the series limit")
                .isPositive();
        assertThat(expected.totals().deadLetters()).isPositive();
        assertThat(report.lateRecords())
                .as("late candidates reached the late topic")
                .isPositive();
        assertThat(report.expected().conflicts()).isPositive();
        assertThat(report.expected().duplicates()).isPositive();
        assertThat(report.exact()).isTrue();
    }
}
