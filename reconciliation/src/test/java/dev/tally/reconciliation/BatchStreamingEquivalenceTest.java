package dev.tally.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.adclick.AdClickPipeline;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.loadgen.AdClickGenerator;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.GeneratorSettings;
import dev.tally.loadgen.GroundTruth;
import dev.tally.loadgen.reference.ReferenceFilters;
import dev.tally.schema.adclick.AdClickEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kappa needs one code path: the ad-click DAG gives the same results in BATCH and STREAMING mode. */
class BatchStreamingEquivalenceTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String FILTERS =
            "filters:\n  - id: 1\n    name: us\n    country: US\n  - id: 2\n    name: not-us-office\n    country: \"!US\"\n    ip: \"123.1.2.*\"\n";

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void sameResultsInBothModes(long seed) throws Exception {
        // Random clicks with duplicates and disorder below the watermark delay, so STREAMING finds none late.
        List<Decoded<AdClickEvent>> input = new ArrayList<>();
        AvroCodec<AdClickEvent> codec = AvroCodec.of(AdClickEvent.class);
        AdClickGenerator generator = new AdClickGenerator(
                new GeneratorSettings(
                        seed,
                        4_000 + seed * 1_000,
                        300,
                        1.0 + seed / 10.0,
                        500,
                        20,
                        1_700_000_000_000L,
                        Duration.ofSeconds(10),
                        0.05,
                        0.0,
                        Duration.ZERO,
                        0.0),
                new GroundTruth(ReferenceFilters.parse(FILTERS)));
        while (generator.hasNext()) {
            GeneratedRecord record = generator.next();
            input.add(Decoded.accepted(codec.decode(record.value())));
        }

        Set<String> streaming = run(input, RuntimeExecutionMode.STREAMING);
        Set<String> batch = run(input, RuntimeExecutionMode.BATCH);

        assertThat(streaming).hasSizeGreaterThan(100);
        assertThat(batch).isEqualTo(streaming);
    }

    private static Set<String> run(List<Decoded<AdClickEvent>> input, RuntimeExecutionMode mode) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(mode);
        env.setParallelism(2);
        AdClickPipeline.Outputs outputs = AdClickPipeline.build(
                env.fromData(input, Decoded.typeInfo(AdClickEvent.class))
                        .assignTimestampsAndWatermarks(JobRunner.watermarks(new AdClickJob(), AdClickOptions.parse())),
                new AdClickPipeline.Settings(
                        ClickFilters.parse(FILTERS),
                        Duration.ofMinutes(10),
                        Duration.ZERO,
                        5,
                        new int[] {1, 5, 60},
                        50));
        CloseableIterator<String> counts =
                outputs.counts().map(c -> "count " + c).collectAsync();
        CloseableIterator<String> countries =
                outputs.countryCounts().map(c -> "country " + c).collectAsync();
        CloseableIterator<String> top = outputs.topAds().map(t -> "top " + t).collectAsync();
        CloseableIterator<String> late = outputs.late().map(c -> "late " + c).collectAsync();
        env.execute("equivalence-" + mode);
        Set<String> results = new HashSet<>();
        for (CloseableIterator<String> it : List.of(counts, countries, top, late)) {
            it.forEachRemaining(results::add);
            it.close();
        }
        return results;
    }
}
