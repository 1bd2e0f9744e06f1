package dev.tally.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.Replay;
import dev.tally.jobs.metrics.MetricsJob;
import dev.tally.jobs.metrics.MetricsOptions;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.metrics.ExpectedMetrics;
import dev.tally.loadgen.metrics.MetricsGenerator;
import dev.tally.loadgen.metrics.MetricsSettings;
import dev.tally.loadgen.metrics.MetricsTruth;
import dev.tally.loadgen.metrics.MetricsVerifier;
import dev.tally.stack.CqlSchema;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics job's Kappa path against real Kafka and Cassandra: a live run that routes some points
 * late, its replay from the raw archive and from Kafka (each equal to the separate reference with
 * every point applied), reconcile, and a promote after which the live tables equal that reference too.
 */
@ExtendWith(RealServicesExtension.class)
class MetricsReplayReconcileITCase {

    // One partition: a single split reads in offset order, so the watermark follows the stream and the late
    // candidates are late for sure. With several, a reader fetching one partition ahead of another held
    // the watermark back and, now and then, no point was late at all.
    private static final int PARTITIONS = 1;
    private static final int RECORDS = 30_000;

    @TempDir
    Path dir;

    @Test
    void replaysCountTheLatePointsAndPromoteMakesTheLiveRollupsExact(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        String input = kafka.newTopic("metrics", PARTITIONS);
        kafka.createTopics(input + ".dlq", input + ".late");
        String rollups = kafka.newTopic("metric-rollups", 2);
        String live = cassandra.newKeyspace();
        // About 50 minutes of event time, and the closing points an hour and the lateness past them: all
        // inside [from, to), and in the past.
        Instant from = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(4, ChronoUnit.HOURS);
        Instant to = from.plus(3, ChronoUnit.HOURS);

        MetricsOptions options = JobOptions.parse(
                new MetricsOptions(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                input,
                "--rollups-topic",
                rollups,
                "--allowed-lateness",
                "PT5M",
                "--max-series-per-name",
                "30",
                "--cassandra",
                cassandra.contactPoint(),
                "--keyspace",
                live,
                "--bounded",
                "--transactional-id-prefix",
                "it-" + input,
                "--archive-dir",
                dir.resolve("archive").toUri().toString());
        MetricsTruth truth = new MetricsTruth();
        MetricsSettings settings = new MetricsSettings(
                11,
                RECORDS,
                2,
                6,
                8,
                Duration.ofSeconds(10),
                from.toEpochMilli(),
                Duration.ofSeconds(3),
                PARTITIONS,
                options.allowedLateness,
                0.02,
                0.01,
                0.01,
                0.008,
                0.002,
                0.004,
                0.01,
                0.3,
                false,
                options.maxSeriesPerName,
                1);
        assertThat(LoadProducer.produce(
                        KafkaClients.of(kafka.bootstrapServers()), input, new MetricsGenerator(settings, truth)))
                .isEqualTo(RECORDS);

        Configuration config = new Configuration();
        config.setString("execution.checkpointing.interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, config);
        MetricsJob job = new MetricsJob();
        job.attachSinks(job.build(JobRunner.liveInput(env, job, options), options), options);
        env.execute("live-" + input);

        ExpectedMetrics expected = truth.expected(options.allowedLateness, options.maxSeriesPerName);
        MetricsVerifier.Report liveReport = MetricsVerifier.verify(
                expected,
                new MetricsVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()), input, rollups, cassandra.session(), live));
        assertThat(liveReport.exact()).as("the live run").isTrue();
        assertThat(liveReport.lateRecords())
                .as("points routed late, which only a replay counts")
                .isPositive();

        CqlSession session = cassandra.session();
        for (Replay.Source source : Replay.Source.values()) {
            String replay = live + "_" + source;
            CqlSchema.apply(session, replay, CqlSchema.LOCAL_REPLICATION);
            Replay.Result result = Replay.run(
                    StreamExecutionEnvironment.createLocalEnvironment(2),
                    job,
                    options,
                    new Replay.Settings(from, to, source, Duration.ofMinutes(5), replay),
                    System.out);
            assertThat(result.replayedRecords()).as("%s", source).isPositive();
            assertExact(
                    MetricsVerifier.verifyReplay(expected, session, replay, from.toEpochMilli(), to.toEpochMilli()));

            Reconciliation.Report report = reconcile(session, live, replay, from, to);
            report.print(System.out);
            assertThat(report.tables())
                    .allSatisfy(t -> assertThat(t.matched()).as(t.table()).isPositive());
            assertThat(report.tables())
                    .allSatisfy(
                            t -> assertThat(t.missingInReplay()).as(t.table()).isZero());
            for (String table : List.of("metric_rollups_1m", "metric_raw_minutes")) {
                Reconciliation.TableSummary minutes = report.tables().stream()
                        .filter(t -> t.table().equals(table))
                        .findFirst()
                        .orElseThrow();
                assertThat(minutes.differing() + minutes.missingInLive())
                        .as("%s: minutes the late points changed", table)
                        .isPositive();
            }
        }

        String replay = live + "_" + Replay.Source.archive;
        Promotion.Result promoted = Promotion.promote(
                session,
                new Promotion.Request(
                        job.name(),
                        MetricsTables.ALL,
                        live,
                        replay,
                        from,
                        to,
                        16,
                        options.resultDefinition(),
                        0,
                        false,
                        new Promotion.Corrections(
                                KafkaClients.of(kafka.bootstrapServers()), Map.of("rollups-topic", rollups)::get)));
        assertThat(promoted.of("metric_rollups_1m")).isPositive();
        assertThat(promoted.of("metric_raw_minutes")).isPositive();
        assertThat(promoted.published()).isPositive();
        assertThat(reconcile(session, live, replay, from, to).difference()).isZero();
        assertExact(MetricsVerifier.verifyReplay(expected, session, live, from.toEpochMilli(), to.toEpochMilli()));
        // A consumer of the rollups topic holds the replay's rollups too, as the job would have written them.
        MetricsVerifier.TopicReport topic = MetricsVerifier.verifyPromotedTopic(
                expected, KafkaClients.of(kafka.bootstrapServers()), rollups, from.toEpochMilli(), to.toEpochMilli());
        System.out.println(topic);
        assertThat(topic.exact()).as("%s", topic).isTrue();
        assertThat(topic.latest().matched()).isPositive();
    }

    /** 16 token ranges, so that a comparison spans several. */
    private static Reconciliation.Report reconcile(
            CqlSession session, String live, String replay, Instant from, Instant to) {
        return Reconciliation.compare(session, MetricsTables.ALL, live, replay, from, to, 0, 16);
    }

    private static void assertExact(List<Comparison> comparisons) {
        comparisons.forEach(c -> System.out.println(c));
        assertThat(comparisons)
                .allSatisfy(c -> assertThat(c.exact()).as(c.toString()).isTrue());
        assertThat(comparisons)
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
    }
}
