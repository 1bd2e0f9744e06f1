package dev.tally.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.Replay;
import dev.tally.jobs.salesrank.SalesRankJob;
import dev.tally.jobs.salesrank.SalesRankOptions;
import dev.tally.jobs.salesrank.SalesRankTables;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.salesrank.ExpectedSalesRank;
import dev.tally.loadgen.salesrank.SalesRankGenerator;
import dev.tally.loadgen.salesrank.SalesRankSettings;
import dev.tally.loadgen.salesrank.SalesRankTruth;
import dev.tally.loadgen.salesrank.SalesRankVerifier;
import dev.tally.stack.CqlSchema;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sales-rank job's Kappa path against real Kafka and Cassandra: a live run that routes the
 * purchases sent 3 hours behind late, its replay from the raw archive (equal to the separate reference
 * with every purchase counted), reconcile of the windows that lie within the range, which finds the
 * lists the late purchases changed and nothing the replay lacks, and promote, after which the two agree.
 */
@ExtendWith(RealServicesExtension.class)
class SalesRankReplayReconcileITCase {

    private static final int RECORDS = 20_000;

    // Six hours of event time ending about now: late purchases (3 h behind) occur.
    private static final Instant START =
            Instant.now().truncatedTo(ChronoUnit.HOURS).minus(6, ChronoUnit.HOURS);

    @TempDir
    Path dir;

    @Test
    void aReplayCountsTheLatePurchasesAndPromoteRepairsTheLiveLists(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        // One partition: every late purchase is late for the live job.
        String input = kafka.newTopic("purchases", 1);
        kafka.createTopics(input + ".dlq", input + ".late");
        String salesRank = kafka.newTopic("sales-rank", 1);
        String live = cassandra.newKeyspace();

        SalesRankTruth truth = new SalesRankTruth();
        SalesRankSettings settings = new SalesRankSettings(
                11,
                RECORDS,
                300,
                6,
                1.0,
                1,
                START.toEpochMilli(),
                Duration.ofSeconds(2),
                0.01,
                // No conflicting copies: which copy of a tx_id a BATCH replay reads first is not the
                // arrival order (the job's README), so it may keep another than the live run did.
                0,
                0.01,
                Duration.ofHours(3),
                0.002);
        assertThat(LoadProducer.produce(
                        KafkaClients.of(kafka.bootstrapServers()), input, new SalesRankGenerator(settings, truth)))
                .isEqualTo(RECORDS);

        SalesRankOptions options = JobOptions.parse(
                new SalesRankOptions(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                input,
                "--sales-rank-topic",
                salesRank,
                "--cassandra",
                cassandra.contactPoint(),
                "--keyspace",
                live,
                "--bounded",
                "--transactional-id-prefix",
                "it-" + input,
                "--archive-dir",
                dir.resolve("archive").toUri().toString());
        Configuration config = new Configuration();
        config.setString("execution.checkpointing.interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, config);
        SalesRankJob job = new SalesRankJob();
        job.attachSinks(job.build(JobRunner.liveInput(env, job, options), options), options);
        env.execute("live-" + input);

        ExpectedSalesRank expected = truth.expected(options.topN);
        SalesRankVerifier.Report liveReport = SalesRankVerifier.verify(
                expected,
                new SalesRankVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()), input, salesRank, cassandra.session(), live));
        liveReport.print(System.out);
        assertThat(liveReport.exact()).as("the live run").isTrue();
        assertThat(liveReport.lateRecords())
                .as("purchases routed late, which only a replay counts")
                .isPositive();

        // From before the first late purchase (3 h behind the first front), so the replay reads every
        // purchase; windows lie within [from, to) when they end in [from + 7 d, to].
        Instant from = START.minus(4, ChronoUnit.HOURS);
        Instant to = START.plus(8, ChronoUnit.DAYS);
        CqlSession session = cassandra.session();
        String replay = live + "_replay";
        CqlSchema.apply(session, replay, CqlSchema.LOCAL_REPLICATION);
        Replay.Result result = Replay.run(
                StreamExecutionEnvironment.createLocalEnvironment(2),
                job,
                options,
                new Replay.Settings(from, to, Replay.Source.archive, Duration.ofMinutes(5), replay),
                System.out);
        assertThat(result.replayedRecords()).isPositive();
        Comparison replayed = SalesRankVerifier.verifyReplay(expected, session, replay);
        System.out.println(replayed);
        assertThat(replayed.exact()).as(replayed.toString()).isTrue();
        assertThat(replayed.matched()).isPositive();

        Reconciliation.Report report =
                Reconciliation.compare(session, SalesRankTables.ALL, live, replay, from, to, 0, 16);
        report.print(System.out);
        Reconciliation.TableSummary lists = report.tables().get(0);
        assertThat(lists.table()).isEqualTo("sales_rank");
        assertThat(lists.matched()).isPositive();
        assertThat(lists.differing() + lists.missingInLive())
                .as("lists the late purchases changed")
                .isPositive();
        assertThat(lists.missingInReplay()).as("lists only the live run has").isZero();

        Promotion.Result promoted = Promotion.promote(
                session,
                new Promotion.Request(
                        job.name(),
                        SalesRankTables.ALL,
                        live,
                        replay,
                        from,
                        to,
                        16,
                        options.resultDefinition(),
                        0,
                        false,
                        new Promotion.Corrections(KafkaClients.of(kafka.bootstrapServers()), option -> null)));
        assertThat(promoted.of("sales_rank")).isPositive();
        assertThat(Reconciliation.compare(session, SalesRankTables.ALL, live, replay, from, to, 0, 16)
                        .difference())
                .isZero();
    }
}
