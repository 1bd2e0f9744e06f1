package dev.tally.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.Replay;
import dev.tally.jobs.leaderboard.LeaderboardJob;
import dev.tally.jobs.leaderboard.LeaderboardOptions;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.leaderboard.ExpectedLeaderboard;
import dev.tally.loadgen.leaderboard.LeaderboardGenerator;
import dev.tally.loadgen.leaderboard.LeaderboardSettings;
import dev.tally.loadgen.leaderboard.LeaderboardTruth;
import dev.tally.loadgen.leaderboard.LeaderboardVerifier;
import dev.tally.stack.CqlSchema;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leaderboard job's Kappa path against real Kafka and Cassandra: a live run that routes the
 * results sent beyond the correction horizon late, its replay from the raw archive (equal to the
 * separate reference with every result applied), and reconcile of whole tournaments, which finds the
 * players and scores the late results changed and nothing the replay lacks; promote refuses the order
 * table, written at the job's own timestamps.
 */
@ExtendWith(RealServicesExtension.class)
class LeaderboardReplayReconcileITCase {

    private static final int RECORDS = 30_000;

    // Five hours of event time ending about now: late results (3 h behind) occur.
    private static final Instant START =
            Instant.now().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.HOURS);

    @TempDir
    Path dir;

    @Test
    void aReplayAppliesTheLateResultsAndReconcileFindsWhatTheyChanged(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        // One partition: every late result is late for the live job.
        String input = kafka.newTopic("match-results", 1);
        kafka.createTopics(input + ".dlq", input + ".late");
        String updates = kafka.newTopic("leaderboard-updates", 1);
        String top = kafka.newTopic("leaderboard-top", 1);
        String live = cassandra.newKeyspace();

        LeaderboardTruth truth = new LeaderboardTruth();
        LeaderboardSettings settings = new LeaderboardSettings(
                11,
                RECORDS,
                1_000,
                0.9,
                2,
                1,
                START.toEpochMilli(),
                Duration.ofMillis(500),
                0.01,
                0.02,
                0.004,
                Duration.ofHours(3),
                0.002,
                Duration.ofHours(2),
                0.002,
                0.02);
        assertThat(LoadProducer.produce(
                        KafkaClients.of(kafka.bootstrapServers()), input, new LeaderboardGenerator(settings, truth)))
                .isEqualTo(RECORDS);

        LeaderboardOptions options = JobOptions.parse(
                new LeaderboardOptions(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                input,
                "--updates-topic",
                updates,
                "--top-topic",
                top,
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
        LeaderboardJob job = new LeaderboardJob();
        job.attachSinks(job.build(JobRunner.liveInput(env, job, options), options), options);
        env.execute("live-" + input);

        ExpectedLeaderboard expected = truth.expected(options.topK);
        LeaderboardVerifier.Report liveReport = LeaderboardVerifier.verify(
                expected,
                new LeaderboardVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()),
                        input,
                        updates,
                        top,
                        cassandra.session(),
                        live,
                        null));
        liveReport.print(System.out);
        assertThat(liveReport.exact()).as("the live run").isTrue();
        assertThat(liveReport.lateRecords())
                .as("results routed late, which only a replay applies")
                .isPositive();

        // Whole months: the tournaments of the input's.
        Instant from = YearMonth.from(START.atZone(ZoneOffset.UTC))
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        Instant to = YearMonth.from(Instant.now().atZone(ZoneOffset.UTC))
                .plusMonths(1)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
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
        List<Comparison> replayed = LeaderboardVerifier.verifyReplay(expected, session, replay);
        replayed.forEach(System.out::println);
        assertThat(replayed)
                .allSatisfy(c -> assertThat(c.exact()).as(c.toString()).isTrue());
        assertThat(replayed)
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());

        Reconciliation.Report report =
                Reconciliation.compare(session, LeaderboardTables.ALL, live, replay, from, to, 0, 16);
        report.print(System.out);
        assertThat(report.tables())
                .extracting(Reconciliation.TableSummary::table)
                .containsExactly("leaderboard_player_scores", "leaderboard_score_histogram", "leaderboard_score_order");
        assertThat(report.tables())
                .allSatisfy(t -> assertThat(t.matched()).as(t.table()).isPositive());
        Reconciliation.TableSummary scores = report.tables().get(0);
        assertThat(scores.differing() + scores.missingInLive())
                .as("players the late results changed")
                .isPositive();
        assertThat(scores.missingInReplay()).as("players only the live run has").isZero();

        assertThatThrownBy(() -> Promotion.promote(
                        session,
                        new Promotion.Request(
                                job.name(),
                                LeaderboardTables.ALL,
                                live,
                                replay,
                                from,
                                to,
                                16,
                                options.resultDefinition(),
                                0,
                                true,
                                new Promotion.Corrections(KafkaClients.of(kafka.bootstrapServers()), name -> null))))
                .isInstanceOf(Promotion.Refused.class)
                .hasMessageContaining("leaderboard_score_order");
    }
}
