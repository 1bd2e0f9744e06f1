package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.loadgen.reference.ReferenceFilters;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad-click job rescaled through savepoints, 2 -> 1 -> 2 subtasks, each leg reading a third of the
 * input, the last one drained: the Cassandra rows and the committed Kafka output equal the ground
 * truth, so every keyed and operator state (dedup ids, open minutes, rolling sums, pending
 * transactions) moved between subtasks without loss or double counting.
 */
@ExtendWith(RealServicesExtension.class)
class AdClickRescaleITCase {

    private static final long START = Instant.now()
            .truncatedTo(ChronoUnit.HOURS)
            .minus(2, ChronoUnit.HOURS)
            .toEpochMilli();
    private static final String FILTERS = "filters:\n  - id: 1\n    name: us\n    country: US\n";

    @TempDir
    Path dir;

    @Test
    void rescalesTwoToOneToTwoWithExactResults(TestKafka kafka, TestCassandra cassandra) throws Exception {
        String input = kafka.newTopic("ad-clicks", 4);
        kafka.createTopics(input + ".dlq", input + ".late");
        String counts = kafka.newTopic("ad-click-counts", 2);
        String top = kafka.newTopic("ad-top-ads", 2);
        String keyspace = cassandra.newKeyspace();
        Path filters = Files.writeString(dir.resolve("filters.yaml"), FILTERS);
        GroundTruth truth = new GroundTruth(ReferenceFilters.load(filters));
        Iterator<GeneratedRecord> clicks = new AdClickGenerator(
                new GeneratorSettings(
                        3,
                        60_000,
                        2_000,
                        1.1,
                        10_000,
                        200,
                        START,
                        Duration.ofSeconds(5),
                        0.02,
                        0.0,
                        Duration.ZERO,
                        0.002),
                truth);
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
                "--group-id",
                "it-" + input,
                "--transactional-id-prefix",
                "it-" + input);

        String savepoint = null;
        int[] parallelism = {2, 1, 2};
        for (int leg = 0; leg < parallelism.length; leg++) {
            LoadProducer.produce(KafkaClients.of(kafka.bootstrapServers()), input, SavepointLegs.limit(clicks, 20_000));
            JobClient job = SavepointLegs.start(dir, options, parallelism[leg], savepoint);
            SavepointLegs.awaitConsumed(kafka, input, options.groupId);
            // The last leg drains: the watermark goes to the end of time and every window fires.
            savepoint = SavepointLegs.stop(job, dir, leg == parallelism.length - 1);
        }
        assertThat(clicks.hasNext()).isFalse();

        AdClickVerifier.Report report = AdClickVerifier.verify(
                truth,
                new AdClickVerifier.Target(
                        KafkaClients.of(kafka.bootstrapServers()), input, counts, top, cassandra.session(), keyspace),
                new int[] {1, 5},
                10);
        report.print(System.out);
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
        assertThat(report.exact()).isTrue();
        assertThat(truth.duplicates()).isPositive();
    }
}
