package dev.tally.jobs.adclick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.RecordFates;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole ad-click DAG on a MiniCluster at parallelism 2 over a finite, hand-computed input. */
class AdClickPipelineTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(RecordFates.miniCluster(METRICS, 2));

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = 60_000L;

    @Test
    void countsFiltersCountriesAndTopN() throws Exception {
        List<Decoded<AdClickEvent>> input = new ArrayList<>();
        input.add(click("c1", "ad1", T0 + 1_000, "US"));
        input.add(click("c2", "ad1", T0 + 2_000, "US"));
        input.add(click("c3", "ad1", T0 + 3_000, "GB"));
        input.add(click("c4", "ad2", T0 + 4_000, "US"));
        input.add(click("c1", "ad1", T0 + 1_000, "US")); // duplicate of c1
        input.add(click("c5", "ad2", T0 + 5_000, "US"));
        input.add(Decoded.rejected(deadLetter()));
        input.add(click("c6", "ad1", T0 + MIN + 1_000, "GB"));
        for (int i = 0; i < 4; i++) {
            input.add(click("c7-" + i, "ad3", T0 + MIN + 2_000 + i, "US"));
        }
        for (int i = 0; i < 5; i++) {
            input.add(click("c8-" + i, "ad2", T0 + 2 * MIN + 2_000 + i, "FR"));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AdClickOptions options = AdClickOptions.parse();
        DataStream<Decoded<AdClickEvent>> clicks = env.fromData(input, Decoded.typeInfo(AdClickEvent.class))
                .assignTimestampsAndWatermarks(JobRunner.watermarks(new AdClickJob(), options));
        AdClickPipeline.Outputs outputs = AdClickPipeline.build(
                clicks,
                new AdClickPipeline.Settings(
                        ClickFilters.parse("filters:\n  - id: 1\n    name: us\n    country: US\n"),
                        Duration.ofMinutes(10),
                        Duration.ZERO,
                        2,
                        new int[] {1, 2},
                        1000));
        CloseableIterator<AdClickCount> counts = outputs.counts().collectAsync();
        CloseableIterator<AdCountryCount> countries = outputs.countryCounts().collectAsync();
        CloseableIterator<TopAds> top = outputs.topAds().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters().collectAsync();
        JobID job = env.execute("pipeline-test").getJobID();

        assertThat(drain(counts).stream()
                        .map(c -> c.getAdId() + "/" + c.getFilterId() + "/m" + minute(c.getClickMinute()) + "="
                                + c.getCount()))
                .containsExactlyInAnyOrder(
                        "ad1/0/m0=3",
                        "ad2/0/m0=2",
                        "ad1/0/m1=1",
                        "ad3/0/m1=4",
                        "ad2/0/m2=5",
                        "ad1/1/m0=2",
                        "ad2/1/m0=2",
                        "ad3/1/m1=4");
        assertThat(drain(countries).stream()
                        .map(c -> c.getAdId() + "/m" + minute(c.getClickMinute()) + "/" + c.getCountry() + "="
                                + c.getCount()))
                .containsExactlyInAnyOrder(
                        "ad1/m0/US=2", "ad1/m0/GB=1", "ad2/m0/US=2", "ad1/m1/GB=1", "ad3/m1/US=4", "ad2/m2/FR=5");
        assertThat(drain(top).stream().map(AdClickPipelineTest::describe))
                .containsExactlyInAnyOrder(
                        "f0 M1 end m1: ad1:3 ad2:2",
                        "f0 M1 end m2: ad3:4 ad1:1",
                        "f0 M1 end m3: ad2:5",
                        "f0 M2 end m1: ad1:3 ad2:2",
                        "f0 M2 end m2: ad1:4 ad3:4",
                        "f0 M2 end m3: ad2:5 ad3:4",
                        "f0 M2 end m4: ad2:5",
                        "f1 M1 end m1: ad1:2 ad2:2",
                        "f1 M1 end m2: ad3:4",
                        "f1 M2 end m1: ad1:2 ad2:2",
                        "f1 M2 end m2: ad3:4 ad1:2",
                        "f1 M2 end m3: ad3:4");
        assertThat(drain(deadLetters)).extracting(DeadLetter::getReason).containsExactly("CORRUPT");
        // Each click read in exactly one fate.
        assertThat(RecordFates.of(METRICS, job))
                .isEqualTo(java.util.Map.of(
                        RecordFate.ACCEPTED,
                        15L,
                        RecordFate.DUPLICATE,
                        1L,
                        RecordFate.LATE,
                        0L,
                        RecordFate.INVALID,
                        1L));
        assertThat(input).hasSize(17);
    }

    /**
     * The benchmark's Flink SQL version must compute what the job computes, or comparing their
     * speeds means nothing: the same generated clicks, duplicates and rejected records through both.
     */
    @Test
    void flinkSqlVersionComputesTheSameResults() throws Exception {
        List<Decoded<AdClickEvent>> input = new ArrayList<>();
        Random random = new Random(42);
        String[] countries = {"US", "GB", "FR", null};
        for (int i = 0; i < 3_000; i++) {
            // Three minutes of clicks, a little out of order, none later than the watermark allows.
            long ts = T0 + i * 60L + random.nextInt(5_000);
            Decoded<AdClickEvent> click =
                    click("c" + i, "ad" + random.nextInt(40), ts, countries[random.nextInt(countries.length)]);
            input.add(click);
            if (random.nextInt(20) == 0) {
                input.add(click);
            }
            if (random.nextInt(500) == 0) {
                input.add(Decoded.rejected(deadLetter()));
            }
        }
        AdClickPipeline.Settings settings = new AdClickPipeline.Settings(
                ClickFilters.parse("filters:\n  - id: 1\n    name: us\n    country: US\n"),
                Duration.ofMinutes(10),
                Duration.ZERO,
                3,
                new int[] {1},
                1000);

        StreamExecutionEnvironment jobEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        jobEnv.setParallelism(2);
        Results job = Results.of(AdClickPipeline.build(source(jobEnv, input), settings));
        jobEnv.execute("job");
        List<String> jobCounts = job.counts();

        StreamExecutionEnvironment sqlEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        sqlEnv.setParallelism(2);
        AdClickPipeline.Outputs sqlOutputs = AdClickSqlQuery.build(
                AdClickSqlQuery.tables(sqlEnv, AdClickOptions.parse()), source(sqlEnv, input), settings);
        assertThat(sqlOutputs.late()).isNull();
        Results sql = Results.of(sqlOutputs);
        sqlEnv.execute("sql");

        assertThat(jobCounts).hasSizeGreaterThan(200);
        assertThat(sql.counts()).containsExactlyInAnyOrderElementsOf(jobCounts);
        assertThat(sql.countries()).containsExactlyInAnyOrderElementsOf(job.countries());
        assertThat(sql.top()).containsExactlyInAnyOrderElementsOf(job.top()).hasSize(8);
        assertThat(sql.deadLetters()).isEqualTo(job.deadLetters()).isPositive();
    }

    private static DataStream<Decoded<AdClickEvent>> source(
            StreamExecutionEnvironment env, List<Decoded<AdClickEvent>> input) {
        return env.fromData(input, Decoded.typeInfo(AdClickEvent.class))
                .assignTimestampsAndWatermarks(JobRunner.watermarks(new AdClickJob(), AdClickOptions.parse()));
    }

    /** A pipeline's results, collected as comparable strings once its job has run. */
    private record Results(
            CloseableIterator<AdClickCount> countIterator,
            CloseableIterator<AdCountryCount> countryIterator,
            CloseableIterator<TopAds> topIterator,
            CloseableIterator<DeadLetter> deadLetterIterator) {

        static Results of(AdClickPipeline.Outputs outputs) {
            return new Results(
                    outputs.counts().collectAsync(),
                    outputs.countryCounts().collectAsync(),
                    outputs.topAds().collectAsync(),
                    outputs.deadLetters().collectAsync());
        }

        List<String> counts() throws Exception {
            return drain(countIterator).stream()
                    .map(c -> c.getAdId() + "/" + c.getFilterId() + "/" + c.getClickMinute() + "=" + c.getCount())
                    .toList();
        }

        List<String> countries() throws Exception {
            return drain(countryIterator).stream()
                    .map(c -> c.getAdId() + "/" + c.getClickMinute() + "/" + c.getCountry() + "=" + c.getCount())
                    .toList();
        }

        List<String> top() throws Exception {
            return drain(topIterator).stream()
                    .map(AdClickPipelineTest::describe)
                    .toList();
        }

        int deadLetters() throws Exception {
            return drain(deadLetterIterator).size();
        }
    }

    private static String describe(TopAds t) {
        assertThat(t.getWindowEnd() - t.getWindowStart()).isEqualTo(t.getWindowMinutes() * MIN);
        return "f" + t.getFilterId() + " M" + t.getWindowMinutes() + " end m" + minute(t.getWindowEnd()) + ": "
                + t.getAds().stream().map(a -> a.getAdId() + ":" + a.getCount()).collect(Collectors.joining(" "));
    }

    private static long minute(long ts) {
        return (ts - T0) / MIN;
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        iterator.close();
        return all;
    }

    private static Decoded<AdClickEvent> click(String id, String ad, long ts, String country) {
        return Decoded.accepted(AdClickEvent.newBuilder()
                .setClickId(id)
                .setAdId(ad)
                .setClickTs(ts)
                .setCountry(country)
                .setIp("1.2.3.4")
                .build());
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("ad-clicks")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .setSourceTimestamp(T0)
                .setReason("CORRUPT")
                .setDetail("test")
                .setOriginal(ByteBuffer.wrap(new byte[] {1, 2}))
                .build();
    }
}
