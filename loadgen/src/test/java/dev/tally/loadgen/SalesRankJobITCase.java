package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.salesrank.SalesRankJob;
import dev.tally.jobs.salesrank.SalesRankOptions;
import dev.tally.loadgen.salesrank.ExpectedSalesRank;
import dev.tally.loadgen.salesrank.SalesRankGenerator;
import dev.tally.loadgen.salesrank.SalesRankSettings;
import dev.tally.loadgen.salesrank.SalesRankTruth;
import dev.tally.loadgen.salesrank.SalesRankVerifier;
import dev.tally.schema.salesrank.Purchase;
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
 * The sales-rank job against the real Kafka and Cassandra, with a task failure injected after a
 * completed checkpoint: after recovery every category's list of every window, in Cassandra and
 * published once each to the committed topic, equals the reference's.
 */
@ExtendWith(RealServicesExtension.class)
class SalesRankJobITCase {

    // Ten hours of event time ending about now: late purchases (3 h behind) occur, and the broker's
    // time-based retention keeps every record.
    private static final long START = Instant.now()
            .truncatedTo(ChronoUnit.HOURS)
            .minus(10, ChronoUnit.HOURS)
            .toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void recoversFromAFailureWithExactLists(TestKafka kafka, TestCassandra cassandra) throws Exception {
        // One partition: every purchase sent late is late for the job too.
        String input = kafka.newTopic("purchases", 1);
        kafka.createTopics(input + ".dlq", input + ".late");
        String salesRank = kafka.newTopic("sales-rank", 2);
        String keyspace = cassandra.newKeyspace();

        SalesRankTruth truth = new SalesRankTruth();
        SalesRankSettings settings = new SalesRankSettings(
                7,
                40_000,
                1_000,
                8,
                1.0,
                1,
                START,
                Duration.ofSeconds(2),
                0.01,
                0.005,
                0.005,
                Duration.ofHours(3),
                0.002);
        assertThat(LoadProducer.produce(
                        KafkaClients.of(kafka.bootstrapServers()), input, new SalesRankGenerator(settings, truth)))
                .isEqualTo(40_000);

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
        SalesRankJob job = new SalesRankJob();
        DataStream<Decoded<Purchase>> purchases = JobRunner.liveInput(env, job, options);
        DataStream<Decoded<Purchase>> failing = purchases
                .map(new FailOnceAfterCheckpoint<>(marker, 10_000), purchases.getType())
                .name("fail-once");
        job.attachSinks(job.build(failing, options), options);
        env.execute("sales-rank-it");

        assertThat(marker).as("the injected failure happened").exists();
        ExpectedSalesRank expected = truth.expected(options.topN);
        SalesRankVerifier.Report report = SalesRankVerifier.verify(
                expected,
                new SalesRankVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()), input, salesRank, cassandra.session(), keyspace));
        report.print(System.out);
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.exact()).as(c.toString()).isTrue());
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
        assertThat(report.checks())
                .allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
        assertThat(report.deadLetters())
                .isEqualTo(expected.totals().deadLetters())
                .isGreaterThan(expected.totals().malformed());
        assertThat(report.lateRecords())
                .as("purchases sent late reached the late topic")
                .isPositive();
        assertThat(expected.totals().duplicates()).isPositive();
        assertThat(report.exact()).isTrue();
    }
}
