package dev.tally.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.cassandra.ReplayRuns;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.Replay;
import dev.tally.loadgen.AdClickGenerator;
import dev.tally.loadgen.GeneratorSettings;
import dev.tally.loadgen.GroundTruth;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.reference.ReferenceFilters;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.stack.CqlSchema;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Live run, Kappa replay from its raw archive, reconcile and promote, against real Kafka and Cassandra. */
@ExtendWith(RealServicesExtension.class)
class ReplayReconcileITCase {

    private static final String FILTERS = "filters:\n  - id: 1\n    name: us\n    country: US\n";

    @TempDir
    Path dir;

    /** What a live run left behind. */
    record LiveRun(
            AdClickOptions options,
            String input,
            String counts,
            String top,
            String keyspace,
            GroundTruth truth,
            Instant from,
            Instant to) {}

    @Test
    void replayFindsExactlyTheLateClicksAndPromoteRepairsThem(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        LiveRun live = live(kafka, cassandra, 0.01, 7);
        Set<String> lateIds = new HashSet<>();
        AvroCodec<AdClickEvent> codec = AvroCodec.of(AdClickEvent.class);
        for (var r : TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), live.input() + ".late")) {
            lateIds.add(codec.decode(r.value()).getClickId());
        }
        assertThat(lateIds).as("the live run missed some late clicks").isNotEmpty();
        assertThat(live.truth().late().keySet()).containsAll(lateIds);

        String replay = replay(cassandra, live, Replay.Source.archive);
        CqlSession session = cassandra.session();

        // The replay counts every click, late ones included: it equals the full ground truth.
        Map<GroundTruth.CountKey, Long> replayed = counts(session, replay, live.from(), live.to());
        assertThat(replayed).isEqualTo(live.truth().counts());

        // The live results differ from the replay by exactly the late clicks' contributions.
        Map<GroundTruth.CountKey, Long> expectedDelta = new HashMap<>();
        for (String id : lateIds) {
            GroundTruth.LateClick late = live.truth().late().get(id);
            for (int filter : late.filterIds()) {
                expectedDelta.merge(new GroundTruth.CountKey(late.adId(), filter, late.minute()), 1L, Long::sum);
            }
        }
        Map<GroundTruth.CountKey, Long> liveCounts = counts(session, live.keyspace(), live.from(), live.to());
        Map<GroundTruth.CountKey, Long> delta = new HashMap<>();
        replayed.forEach((k, v) -> {
            long d = v - liveCounts.getOrDefault(k, 0L);
            if (d != 0) {
                delta.put(k, d);
            }
        });
        assertThat(delta).isEqualTo(expectedDelta);

        Reconciliation.Report report = reconcile(session, live, replay);
        report.print(System.out);
        Reconciliation.TableSummary counts = report.tables().get(0);
        assertThat(counts.differing() + counts.missingInLive()).isEqualTo(expectedDelta.size());
        assertThat(counts.missingInReplay()).isZero();
        assertThat(counts.replayTotal() - counts.liveTotal())
                .isEqualTo(expectedDelta.values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        assertThat(report.withinTolerance()).isFalse();
        report.writeJson(dir.resolve("report.json"));
        assertThat(Files.readString(dir.resolve("report.json"))).contains("\"within_tolerance\" : false");

        refusesWhatWouldDestroyLiveCounts(session, kafka, live, replay);

        // A dry run shows the changes and makes none.
        Promotion.Result plan =
                Promotion.promote(session, request(kafka, live, replay, live.from(), live.to(), 0, true));
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.changes().get("ad_click_counts")).isEqualTo(new Promotion.Changes(expectedDelta.size(), 0));
        assertThat(reconcile(session, live, replay).difference()).isEqualTo(report.difference());

        Promotion.Result promoted = promote(session, kafka, live, replay);
        assertThat(promoted.of("ad_click_counts")).isEqualTo(expectedDelta.size());
        assertThat(promoted.published()).isPositive();

        Reconciliation.Report after = reconcile(session, live, replay);
        after.print(System.out);
        assertThat(after.difference()).isZero();
        assertThat(after.withinTolerance()).isTrue();
        assertThat(counts(session, live.keyspace(), live.from(), live.to()))
                .isEqualTo(live.truth().counts());

        // The corrections reached the counts topic: the last record per key is the replayed count.
        Map<GroundTruth.CountKey, Long> published = new HashMap<>();
        AvroCodec<AdClickCount> countCodec = AvroCodec.of(AdClickCount.class);
        for (var r : TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), live.counts())) {
            AdClickCount c = countCodec.decode(r.value());
            published.put(new GroundTruth.CountKey(c.getAdId(), c.getFilterId(), c.getClickMinute()), c.getCount());
        }
        assertThat(published).isEqualTo(replayed);

        // Safe to run twice: nothing left to change, nothing published again.
        Promotion.Result again = promote(session, kafka, live, replay);
        assertThat(again.total()).isZero();
        assertThat(again.published()).isZero();

        // A promote that crashed after changing live rows and before publishing left its corrections
        // journaled: the next run, with no row left to change, publishes them.
        AdClickCount correction = AdClickCount.newBuilder()
                .setAdId("journaled")
                .setFilterId(0)
                .setClickMinute(live.from().toEpochMilli())
                .setCount(3)
                .build();
        new Promotion.Journal(session, replay, live.keyspace())
                .add(live.counts(), "ad_click_counts[journaled, 0, 0]", "journaled", countCodec.encode(correction));
        Promotion.Result recovered = promote(session, kafka, live, replay);
        assertThat(recovered.total()).isZero();
        assertThat(recovered.published()).isEqualTo(1);
        List<AdClickCount> journaled = new ArrayList<>();
        for (var r : TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), live.counts())) {
            AdClickCount c = countCodec.decode(r.value());
            if (c.getAdId().equals("journaled")) {
                journaled.add(c);
            }
        }
        assertThat(journaled).containsExactly(correction);
    }

    /** Each of these would once have overwritten or deleted correct live counts; now each is refused and changes nothing. */
    private void refusesWhatWouldDestroyLiveCounts(CqlSession session, TestKafka kafka, LiveRun live, String replay) {
        long before = reconcile(session, live, replay).difference();
        // A range wider than the replay's.
        assertThatThrownBy(() -> Promotion.promote(
                        session,
                        request(kafka, live, replay, live.from().minus(1, ChronoUnit.HOURS), live.to(), 0, false)))
                .isInstanceOf(Promotion.Refused.class)
                .hasMessageContaining("not inside the replayed range");
        // Live options that compute something else: here, no filters file.
        assertThatThrownBy(() -> Promotion.promote(
                        session,
                        new Promotion.Request(
                                "ad-clicks",
                                AdClickTables.ALL,
                                live.keyspace(),
                                replay,
                                live.from(),
                                live.to(),
                                16,
                                AdClickOptions.parse("--windows", "1,5", "--top-n", "10")
                                        .resultDefinition(),
                                0,
                                false,
                                corrections(kafka, live))))
                .isInstanceOf(Promotion.Refused.class)
                .hasMessageContaining("filters: replay ");
        // A replay that never completed, and one that read nothing (Kafka retention passed).
        ReplayRuns.Run run = ReplayRuns.read(session, replay).orElseThrow();
        ReplayRuns.started(session, replay, run.job(), run.from(), run.to(), run.source(), run.definition());
        assertThatThrownBy(() -> promote(session, kafka, live, replay))
                .isInstanceOf(Promotion.Refused.class)
                .hasMessageContaining("never completed");
        ReplayRuns.completed(session, replay, 0, 0);
        assertThatThrownBy(() -> promote(session, kafka, live, replay))
                .isInstanceOf(Promotion.Refused.class)
                .hasMessageContaining("replayed no records");
        ReplayRuns.completed(session, replay, run.inputRecords(), run.replayedRecords());
        // A live row the replay lacks is deleted only when allowed.
        session.execute(SimpleStatement.newInstance(
                "INSERT INTO " + live.keyspace()
                        + ".ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)",
                "not-in-replay",
                0,
                live.from(),
                5L));
        assertThatThrownBy(() -> promote(session, kafka, live, replay))
                .isInstanceOf(Promotion.Refused.class)
                .hasMessageContaining("would delete 1 live rows");
        assertThat(reconcile(session, live, replay).difference()).isEqualTo(before + 5);
        // Allowed one delete, the dry run finds exactly that row.
        assertThat(Promotion.promote(session, request(kafka, live, replay, live.from(), live.to(), 1, true))
                        .deletes())
                .isEqualTo(1);
        session.execute(SimpleStatement.newInstance(
                "DELETE FROM " + live.keyspace()
                        + ".ad_click_counts WHERE ad_id = ? AND filter_id = ? AND click_minute = ?",
                "not-in-replay",
                0,
                live.from()));
        assertThat(reconcile(session, live, replay).difference()).isEqualTo(before);
    }

    @Test
    void aReplayOfARunWithoutLateDataMatchesExactlyFromTheArchiveAndFromKafka(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        LiveRun live = live(kafka, cassandra, 0.0, 11);
        long total = live.truth().counts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        for (Replay.Source input : Replay.Source.values()) {
            String replay = replay(cassandra, live, input);
            Reconciliation.Report report = reconcile(cassandra.session(), live, replay);
            report.print(System.out);
            assertThat(report.difference()).as("%s", input).isZero();
            assertThat(report.tables())
                    .allSatisfy(t -> assertThat(t.matched()).as(t.table()).isPositive());
            assertThat(report.tables().get(0).liveTotal()).isEqualTo(total);
        }
    }

    /** The live job's own options replayed in BATCH mode, in this JVM: what ReplayMain runs on a cluster. */
    private String replay(TestCassandra cassandra, LiveRun live, Replay.Source input) throws Exception {
        String keyspace = live.keyspace() + "_" + input;
        CqlSchema.apply(cassandra.session(), keyspace, CqlSchema.LOCAL_REPLICATION);
        Replay.Result result = Replay.run(
                StreamExecutionEnvironment.createLocalEnvironment(2),
                new AdClickJob(),
                live.options(),
                new Replay.Settings(live.from(), live.to(), input, Duration.ofMinutes(5), keyspace),
                System.out);
        assertThat(result.replayedRecords()).isPositive();
        if (input == Replay.Source.archive) {
            // The archive holds only accepted clicks, all of this range.
            assertThat(result.replayedRecords()).isEqualTo(result.inputRecords());
        }
        return keyspace;
    }

    private LiveRun live(TestKafka kafka, TestCassandra cassandra, double lateRate, long seed) throws Exception {
        // One partition: a single split reads in offset order, so the watermark follows the stream and a
        // click 3 minutes behind is late for sure. With several, a reader fetching one partition ahead
        // of another held the watermark back and, now and then, no click was late at all.
        String input = kafka.newTopic("ad-clicks", 1);
        kafka.createTopics(input + ".dlq", input + ".late");
        String counts = kafka.newTopic("ad-click-counts", 2);
        String top = kafka.newTopic("ad-top-ads", 2);
        String keyspace = cassandra.newKeyspace();
        Path filters = Files.writeString(dir.resolve("filters-" + seed + ".yaml"), FILTERS);
        Path archive = dir.resolve("archive-" + seed);
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
        GroundTruth truth = new GroundTruth(ReferenceFilters.load(filters));
        LoadProducer.produce(
                KafkaClients.of(kafka.bootstrapServers()),
                input,
                new AdClickGenerator(
                        new GeneratorSettings(
                                seed,
                                60_000,
                                2_000,
                                1.1,
                                10_000,
                                200,
                                start.toEpochMilli(),
                                Duration.ofSeconds(5),
                                0.01,
                                lateRate,
                                Duration.ofMinutes(3),
                                0.0),
                        truth));
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
                archive.toUri().toString());
        Configuration config = new Configuration();
        config.setString("execution.checkpointing.interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, config);
        AdClickJob job = new AdClickJob();
        job.attachSinks(job.build(JobRunner.liveInput(env, job, options), options), options);
        env.execute("live-" + input);
        return new LiveRun(options, input, counts, top, keyspace, truth, start, start.plus(6, ChronoUnit.MINUTES));
    }

    /** 16 token ranges, so that a comparison spans several. */
    private static Reconciliation.Report reconcile(CqlSession session, LiveRun live, String replay) {
        return Reconciliation.compare(
                session, AdClickTables.ALL, live.keyspace(), replay, live.from(), live.to(), 0, 16);
    }

    private static Promotion.Result promote(CqlSession session, TestKafka kafka, LiveRun live, String replay) {
        return Promotion.promote(session, request(kafka, live, replay, live.from(), live.to(), 0, false));
    }

    /** A promote of [from, to) with the live job's result definition. */
    private static Promotion.Request request(
            TestKafka kafka, LiveRun live, String replay, Instant from, Instant to, long maxDeletes, boolean dryRun) {
        return new Promotion.Request(
                "ad-clicks",
                AdClickTables.ALL,
                live.keyspace(),
                replay,
                from,
                to,
                16,
                live.options().resultDefinition(),
                maxDeletes,
                dryRun,
                corrections(kafka, live));
    }

    private static Promotion.Corrections corrections(TestKafka kafka, LiveRun live) {
        return new Promotion.Corrections(
                KafkaClients.of(kafka.bootstrapServers()),
                Map.of("counts-topic", live.counts(), "top-topic", live.top())::get);
    }

    /** The counts of a keyspace in [from, to), as the ground truth keys them. */
    private static Map<GroundTruth.CountKey, Long> counts(
            CqlSession session, String keyspace, Instant from, Instant to) {
        Map<GroundTruth.CountKey, Long> counts = new HashMap<>();
        for (Row row : session.execute(AdClickTables.COUNTS.selectCql(keyspace))) {
            AdClickCount c = AdClickTables.COUNTS.read(row);
            if (c.getClickMinute() >= from.toEpochMilli() && c.getClickMinute() < to.toEpochMilli()) {
                counts.put(new GroundTruth.CountKey(c.getAdId(), c.getFilterId(), c.getClickMinute()), c.getCount());
            }
        }
        return counts;
    }
}
