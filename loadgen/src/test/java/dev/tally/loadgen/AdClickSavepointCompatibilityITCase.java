package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint the ad-click job took before the job collection's kit (commit 407c806, kept under
 * {@code src/test/resources/savepoints/}) restores into today's job with no option, and the job then
 * computes what today's job computes from its own savepoint of the same input: every keyed and
 * operator state (dedup ids, open minutes, rolling sums, the Kafka offsets) was read as it was
 * written. The fixture's job read the first 10,000 of the records below from topic
 * {@code compat-ad-clicks} with the options below and was stopped with a savepoint, not drained.
 */
@ExtendWith(RealServicesExtension.class)
class AdClickSavepointCompatibilityITCase {

    /** What the fixture was written with; changing any of these invalidates it. */
    private static final long START = 1796385600000L; // 2026-12-04T12:00:00Z

    private static final String INPUT = "compat-ad-clicks";
    private static final String FIXTURE = "savepoints/ad-clicks-407c806";

    @TempDir
    Path dir;

    @Test
    void aSavepointOfTheJobBeforeTheKitRestoresAndComputesWhatTodaysJobDoes(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        kafka.recreateTopics(
                List.of(
                        // Event times of 2026-12-04: never deleted by time-based retention.
                        new NewTopic(INPUT, 4, (short) 1).configs(Map.of("retention.ms", "-1")),
                        new NewTopic(INPUT + ".dlq", 1, (short) 1),
                        new NewTopic(INPUT + ".late", 1, (short) 1)),
                List.of("compat", "compat-today"));
        Path filters =
                Files.writeString(dir.resolve("filters.yaml"), "filters:\n  - id: 1\n    name: us\n    country: US\n");
        Iterator<GeneratedRecord> clicks = new AdClickGenerator(
                new GeneratorSettings(
                        11,
                        20_000,
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
                GroundTruth.totalsOnly());

        // Today's job reads the same first half and takes its own savepoint.
        LoadProducer.produce(KafkaClients.of(kafka.bootstrapServers()), INPUT, SavepointLegs.limit(clicks, 10_000));
        String today = cassandra.newKeyspace();
        AdClickOptions first = options(kafka, cassandra, filters, today, "compat-today");
        JobClient job = SavepointLegs.start(dir, first, 2, null);
        SavepointLegs.awaitConsumed(kafka, INPUT, first.groupId);
        String todaysSavepoint = SavepointLegs.stop(job, dir, false);

        // The second half, read by today's job from both savepoints and drained.
        LoadProducer.produce(KafkaClients.of(kafka.bootstrapServers()), INPUT, SavepointLegs.limit(clicks, 10_000));
        String fromToday = cassandra.newKeyspace();
        drain(
                SavepointLegs.start(
                        dir, options(kafka, cassandra, filters, fromToday, "compat-today"), 2, todaysSavepoint),
                kafka,
                "compat-today");
        String fromOld = cassandra.newKeyspace();
        drain(
                SavepointLegs.start(dir, options(kafka, cassandra, filters, fromOld, "compat"), 2, fixture()),
                kafka,
                "compat");

        CqlSession session = cassandra.session();
        for (ResultTable<?> table : AdClickTables.ALL) {
            Set<String> expected = rows(session, table, fromToday);
            assertThat(expected).as(table.name()).isNotEmpty();
            assertThat(rows(session, table, fromOld)).as(table.name()).isEqualTo(expected);
        }
    }

    private AdClickOptions options(
            TestKafka kafka, TestCassandra cassandra, Path filters, String keyspace, String group) {
        return AdClickOptions.parse(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                INPUT,
                "--counts-topic",
                kafka.newTopic("compat-counts", 2),
                "--top-topic",
                kafka.newTopic("compat-top", 2),
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
                group,
                "--transactional-id-prefix",
                keyspace);
    }

    private void drain(JobClient job, TestKafka kafka, String group) throws Exception {
        SavepointLegs.awaitConsumed(kafka, INPUT, group);
        SavepointLegs.stop(job, dir, true);
    }

    /** The fixture copied out of the test class path, as Flink restores it from a directory. */
    private String fixture() throws Exception {
        Path source = Path.of(getClass()
                        .getClassLoader()
                        .getResource(FIXTURE + "/_metadata")
                        .toURI())
                .getParent();
        Path copy = dir.resolve("fixture");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy.toUri().toString();
    }

    private static Set<String> rows(CqlSession session, ResultTable<?> table, String keyspace) {
        Set<String> rows = new HashSet<>();
        for (Row row : session.execute(table.selectCql(keyspace))) {
            rows.add(row.getFormattedContents());
        }
        return rows;
    }
}
