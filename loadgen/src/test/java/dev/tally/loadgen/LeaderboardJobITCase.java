package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.leaderboard.LeaderboardJob;
import dev.tally.jobs.leaderboard.LeaderboardOptions;
import dev.tally.loadgen.leaderboard.ExpectedLeaderboard;
import dev.tally.loadgen.leaderboard.LeaderboardGenerator;
import dev.tally.loadgen.leaderboard.LeaderboardSettings;
import dev.tally.loadgen.leaderboard.LeaderboardTruth;
import dev.tally.loadgen.leaderboard.LeaderboardVerifier;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
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
 * The leaderboard job against the real Kafka and Cassandra, with a task failure injected after a
 * completed checkpoint: after recovery every player's score, the histogram, the top lists and the
 * committed Kafka output equal the reference's.
 */
@ExtendWith(RealServicesExtension.class)
class LeaderboardJobITCase {

    // Five hours of event time ending about now: late results (3 h behind) occur, and the broker's
    // time-based retention keeps every record.
    private static final long START = Instant.now()
            .truncatedTo(ChronoUnit.HOURS)
            .minus(5, ChronoUnit.HOURS)
            .toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void recoversFromAFailureWithExactStandings(TestKafka kafka, TestCassandra cassandra) throws Exception {
        // One partition: every late result is late for the job too, and the restarted attempt reads
        // the backlog at its own pace, coalescing differently from the failed one (which left stale
        // Cassandra rows before the rows waited for their checkpoint, and shrank a top list).
        String input = kafka.newTopic("match-results", 1);
        kafka.createTopics(input + ".dlq", input + ".late");
        String updates = kafka.newTopic("leaderboard-updates", 2);
        String top = kafka.newTopic("leaderboard-top", 2);
        String keyspace = cassandra.newKeyspace();

        LeaderboardTruth truth = new LeaderboardTruth();
        LeaderboardSettings settings = new LeaderboardSettings(
                7,
                60_000,
                2_000,
                0.9,
                2,
                2,
                START,
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
                .isEqualTo(60_000);

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
                keyspace,
                "--bounded",
                "--transactional-id-prefix",
                "it-" + input);

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
        LeaderboardJob job = new LeaderboardJob();
        DataStream<Decoded<MatchResult>> results = JobRunner.liveInput(env, job, options);
        DataStream<Decoded<MatchResult>> failing = results.map(
                        new FailOnceAfterCheckpoint<>(marker, 5_000), results.getType())
                .name("fail-once");
        job.attachSinks(job.build(failing, options), options);
        env.execute("leaderboard-it");

        assertThat(marker).as("the injected failure happened").exists();
        ExpectedLeaderboard expected = truth.expected(options.topK);
        LeaderboardVerifier.Report report = LeaderboardVerifier.verify(
                expected,
                new LeaderboardVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()),
                        input,
                        updates,
                        top,
                        cassandra.session(),
                        keyspace,
                        null));
        report.print(System.out);
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.exact()).as(c.toString()).isTrue());
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
        assertThat(report.checks())
                .allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
        assertThat(report.deadLetters())
                .isEqualTo(expected.totals().malformed())
                .isPositive();
        assertThat(report.lateRecords())
                .as("results beyond the horizon reached the late topic")
                .isPositive();
        assertThat(expected.totals().corrections()).isPositive();
        assertThat(expected.totals().duplicates()).isPositive();
        assertThat(report.exact()).isTrue();
    }
}
