package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad-click job against the real Kafka and Cassandra, with a task failure injected after a completed
 * checkpoint: after recovery the Cassandra rows and the committed Kafka output equal the ground truth.
 */
@ExtendWith(RealServicesExtension.class)
class AdClickJobITCase {

    // Recent, so the broker's time-based retention never deletes the test's records; on an hour boundary,
    // so the archive holds exactly one hour bucket.
    private static final long START = java.time.Instant.now()
            .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
            .minusSeconds(7200)
            .toEpochMilli();
    private static final String FILTERS = """
            filters:
              - id: 1
                name: us
                country: US
              - id: 2
                name: non-us
                country: "!US"
              - id: 3
                name: office-ips
                ip: "123.1.2.*"
            """;

    @TempDir
    Path dir;

    @Test
    void recoversFromAFailureWithExactResults(TestKafka kafka, TestCassandra cassandra) throws Exception {
        // One partition, as in the replay tests: a single split reads in offset order, so the watermark
        // follows the stream and the injected late records are late for sure. With four, a reader
        // fetching one partition ahead of another held the watermark back and, in CI runs, none was.
        String input = kafka.newTopic("ad-clicks", 1);
        kafka.createTopics(input + ".dlq", input + ".late");
        String counts = kafka.newTopic("ad-click-counts", 2);
        String top = kafka.newTopic("ad-top-ads", 2);
        String keyspace = cassandra.newKeyspace();
        Path filters = Files.writeString(dir.resolve("filters.yaml"), FILTERS);

        GroundTruth truth = new GroundTruth(dev.tally.loadgen.reference.ReferenceFilters.load(filters));
        GeneratorSettings generator = new GeneratorSettings(
                42,
                80_000,
                3_000,
                1.1,
                20_000,
                200,
                START,
                Duration.ofSeconds(5),
                0.02,
                0.002,
                Duration.ofMinutes(3),
                0.002);
        long produced = LoadProducer.produce(
                KafkaClients.of(kafka.bootstrapServers()), input, new AdClickGenerator(generator, truth));
        assertThat(produced).isEqualTo(80_000);

        AdClickOptions options = AdClickOptions.parse(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                input,
                "--counts-topic",
                counts,
                "--top-topic",
                top,
                "--cassandra",
                cassandra.contactPoint(),
                "--keyspace",
                keyspace,
                "--filters",
                filters.toString(),
                "--top-n",
                "10",
                "--windows",
                "1,5",
                "--bounded",
                "--transactional-id-prefix",
                "it-" + input,
                "--archive-dir",
                dir.resolve("archive").toUri().toString());

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
        AdClickJob job = new AdClickJob();
        DataStream<Decoded<AdClickEvent>> clicks = JobRunner.liveInput(env, job, options);
        DataStream<Decoded<AdClickEvent>> failing = clicks.map(
                        new FailOnceAfterCheckpoint<>(marker, 5_000), clicks.getType())
                .name("fail-once");
        job.attachSinks(job.build(failing, options), options);
        env.execute("ad-clicks-it");

        assertThat(marker).as("the injected failure happened").exists();
        AdClickVerifier.Report report = AdClickVerifier.verify(
                truth,
                new AdClickVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()), input, counts, top, cassandra.session(), keyspace),
                new int[] {1, 5},
                10);
        report.print(System.out);
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.exact()).as(c.toString()).isTrue());
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
        assertThat(report.deadLetters()).isEqualTo(truth.malformed()).isPositive();
        assertThat(report.unexpectedLate()).isEmpty();
        assertThat(report.lateClicks())
                .as("injected late clicks reached the late topic")
                .isPositive();
        assertThat(report.exact()).isTrue();
        assertThat(truth.duplicates()).isPositive();
        List<Path> archived;
        try (var files = Files.walk(dir.resolve("archive"))) {
            archived = files.filter(Files::isRegularFile).toList();
        }
        assertThat(archived).as("raw archive files by event hour").isNotEmpty();
        assertThat(archived)
                .allSatisfy(
                        p -> assertThat(p.toString()).contains(dev.tally.jobs.kit.EventHourBuckets.bucketOf(START)));
    }
}
