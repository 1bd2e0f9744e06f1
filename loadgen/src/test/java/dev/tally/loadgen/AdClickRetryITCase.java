package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.StallingTcpProxy;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad-click job's exactly-once path under the faults retries exist for, against real Kafka and
 * Cassandra: checkpoints that fail for a while (with a transaction timeout the start-up check
 * accepts; a shorter one it refuses), Cassandra requests that time out while a TCP proxy in front
 * of it stalls, late clicks within the allowed lateness (so rows are rewritten while retries are in
 * flight), and a restart right after the first top-N row reached Cassandra. The committed Kafka
 * output and Cassandra equal the ground truth.
 */
@ExtendWith(RealServicesExtension.class)
class AdClickRetryITCase {

    private static final long START = Instant.now()
            .truncatedTo(ChronoUnit.HOURS)
            .minus(2, ChronoUnit.HOURS)
            .toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void exactThroughFailedCheckpointsCassandraTimeoutsAndARestartAfterATopNWrite(
            TestKafka kafka, TestCassandra cassandra) throws Exception {
        String input = kafka.newTopic("ad-clicks", 2);
        kafka.createTopics(input + ".dlq", input + ".late");
        String counts = kafka.newTopic("ad-click-counts", 2);
        String top = kafka.newTopic("ad-top-ads", 2);
        String keyspace = cassandra.newKeyspace();
        GroundTruth truth = new GroundTruth(dev.tally.loadgen.reference.ReferenceFilters.allOnly());
        LoadProducer.produce(
                KafkaClients.of(kafka.bootstrapServers()),
                input,
                new AdClickGenerator(
                        new GeneratorSettings(
                                7,
                                60_000,
                                1_000,
                                1.1,
                                10_000,
                                200,
                                START,
                                Duration.ofSeconds(5),
                                0.02,
                                0.0,
                                Duration.ZERO,
                                0.002),
                        truth));
        // Then clicks for the last whole minute but one, after the stream has passed its end: within the
        // 1 min lateness, so rows already written are written again with a higher count while the
        // proxy stalls. Of an ad far below the top 10, since a window's list is emitted once (README).
        long lateMinute = START + 3 * 60_000L;
        GroundTruth.CountKey quiet = truth.counts().entrySet().stream()
                .filter(e -> e.getKey().filterId() == 0 && e.getKey().minute() == lateMinute && e.getValue() <= 5)
                .map(java.util.Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        List<AdClickEvent> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AdClickEvent click = AdClickEvent.newBuilder()
                    .setClickId("late-" + i)
                    .setAdId(quiet.adId())
                    .setClickTs(lateMinute + 50_000 + i)
                    .setUserId("u-late")
                    .setIp("10.9.9.9")
                    .setCountry("US")
                    .build();
            truth.addLate(click);
            late.add(click);
        }
        LoadProducer.produce(
                KafkaClients.of(kafka.bootstrapServers()),
                input,
                late.stream()
                        .map(c -> new GeneratedRecord(
                                c.getAdId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                dev.tally.connectors.avro.AvroCodec.of(AdClickEvent.class)
                                        .encode(c),
                                c.getClickTs(),
                                GeneratedRecord.Kind.LATE))
                        .iterator());

        try (StallingTcpProxy proxy = new StallingTcpProxy(cassandra.host(), cassandra.port())) {
            List<String> args = new ArrayList<>(List.of(
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--input-topic",
                    input,
                    "--counts-topic",
                    counts,
                    "--top-topic",
                    top,
                    "--cassandra",
                    proxy.address(),
                    "--keyspace",
                    keyspace,
                    "--windows",
                    "1,5",
                    "--top-n",
                    "10",
                    "--allowed-lateness",
                    "PT1M",
                    "--cassandra-request-timeout",
                    "PT1S",
                    "--bounded",
                    "--transactional-id-prefix",
                    "it-" + input));
            Configuration config = new Configuration();
            config.setString("state.backend.type", "rocksdb");
            config.setString("execution.checkpointing.interval", "500ms");
            config.setString("execution.checkpointing.timeout", "4s");
            config.setString("execution.checkpointing.tolerable-failed-checkpoints", "5");
            config.setString(
                    "execution.checkpointing.dir",
                    dir.resolve("checkpoints").toUri().toString());
            config.setString("restart-strategy.type", "fixed-delay");
            config.setString("restart-strategy.fixed-delay.attempts", "20");
            config.setString("restart-strategy.fixed-delay.delay", "1s");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, config);
            env.setRuntimeMode(RuntimeExecutionMode.STREAMING);

            // Transactions must outlive interval + timeout x (tolerable failures + 1) + restart delay = 25.5 s.
            List<String> tooShort = new ArrayList<>(args);
            tooShort.addAll(List.of("--transaction-timeout", "PT20S"));
            assertThatThrownBy(() -> JobRunner.configure(env, AdClickOptions.parse(tooShort.toArray(String[]::new))))
                    .hasMessageContaining("transaction");
            args.addAll(List.of("--transaction-timeout", "PT1M"));
            AdClickOptions options = AdClickOptions.parse(args.toArray(String[]::new));
            JobRunner.configure(env, options);

            Path faults = Files.createDirectories(dir.resolve("faults"));
            AdClickJob job = new AdClickJob();
            DataStream<Decoded<AdClickEvent>> clicks = JobRunner.liveInput(env, job, options);
            job.attachSinks(
                    job.build(
                            clicks.map(new InjectFaults<>(faults, 2, 3, 6_000), clicks.getType())
                                    .name("inject-faults"),
                            options),
                    options);

            AtomicBoolean done = new AtomicBoolean();
            Thread chaos = new Thread(
                    () -> {
                        boolean signalled = false;
                        long nextStall = 0;
                        while (!done.get()) {
                            try {
                                var session = cassandra.session();
                                if (nextStall == 0
                                        && session.execute("SELECT ad_id FROM " + keyspace + ".ad_click_counts LIMIT 1")
                                                        .one()
                                                != null) {
                                    nextStall = System.currentTimeMillis();
                                }
                                if (!signalled
                                        && session.execute("SELECT window_end FROM " + keyspace
                                                                + ".top_ads_latest LIMIT 1")
                                                        .one()
                                                != null) {
                                    Files.writeString(faults.resolve(InjectFaults.SIGNAL), "");
                                    signalled = true;
                                }
                                // Once rows are being written: every 3 s the next request is held past the
                                // request timeout, whenever it comes; its retry, 100 ms later, goes through.
                                if (nextStall > 0 && System.currentTimeMillis() >= nextStall) {
                                    proxy.holdNextRequestFor(Duration.ofMillis(1_500));
                                    nextStall = System.currentTimeMillis() + 3_000;
                                }
                                Thread.sleep(50);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    },
                    "chaos");
            chaos.start();
            try {
                env.execute("ad-clicks-retry-it");
            } finally {
                done.set(true);
                chaos.join();
            }

            assertThat(faults.resolve("restarted"))
                    .as("a restart right after a top-N write")
                    .exists();
            try (var files = Files.list(faults)) {
                assertThat(files.filter(f -> f.getFileName().toString().endsWith("-failed")))
                        .as("failed checkpoints")
                        .isNotEmpty();
            }
            assertThat(proxy.stalls()).as("Cassandra stalls").isPositive();
            // Each held request was answered after the 1 s request timeout: a timed-out write, retried
            // (or, retries spent, a restart from the last checkpoint); either way the rows must be exact.
            assertThat(proxy.held())
                    .as("requests held past the request timeout")
                    .isPositive();
        }

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
        assertThat(report.exact()).isTrue();
    }
}
