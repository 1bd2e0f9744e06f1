package dev.tally.benchmarks.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.DecodingDeserializer;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.ClickValidator;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.loadgen.AdClickGenerator;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.GeneratorSettings;
import dev.tally.loadgen.GroundTruth;
import dev.tally.loadgen.reference.ReferenceFilters;
import dev.tally.schema.adclick.AdClickEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark input from the load generator, so operators see the demo's data: ad ids Zipf-skewed over
 * 2,000,000 ads, weighted countries, office IPs, bounded disorder, and the generator's faults.
 */
final class Clicks {

    /** 2021-01-01T00:00:00Z: a minute boundary, so minute arithmetic is easy to check by eye. */
    static final long T0 = 1_609_459_200_000L;

    /**
     * Event time per subtask: the loadgen default of 2,000 clicks/s over the job's parallelism of 2.
     * It sets how many click ids the dedup state holds and how many partials a minute has.
     */
    static final long CLICKS_PER_SECOND_PER_SUBTASK = 1_000;

    /** The job's default {@code --out-of-orderness}; watermarks trail the newest click by this. */
    static final long OUT_OF_ORDERNESS_MILLIS = 15_000;

    /** The job's 200 ms watermark interval at {@link #CLICKS_PER_SECOND_PER_SUBTASK}. */
    static final int RECORDS_PER_WATERMARK = 200;

    /** The demo's filters plus a conjunction with a user_id glob, so every condition kind is matched. */
    static final String FILTERS_YAML = """
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
              - id: 4
                name: gb-test-users
                country: GB
                user_id: "user1*"
            """;

    private static final long SEED = 42;
    private static final int ADS = 2_000_000;
    private static final double ZIPF_EXPONENT = 1.1;
    private static final int USERS = 1_000_000;

    private Clicks() {}

    /** The loadgen CLI's defaults (1% duplicates, 0.1% late, 0.1% malformed) at the given rate. */
    static GeneratorSettings withFaults(long records, long clicksPerSecond, double duplicateRate) {
        return new GeneratorSettings(
                SEED,
                records,
                ADS,
                ZIPF_EXPONENT,
                USERS,
                clicksPerSecond,
                T0,
                Duration.ofSeconds(5),
                duplicateRate,
                0.001,
                Duration.ofMinutes(3),
                0.001);
    }

    /** Only valid, unique clicks: what passes the source and the dedup operator. */
    static GeneratorSettings clean(long records, long clicksPerSecond) {
        return new GeneratorSettings(
                SEED,
                records,
                ADS,
                ZIPF_EXPONENT,
                USERS,
                clicksPerSecond,
                T0,
                Duration.ofSeconds(5),
                0,
                0,
                Duration.ZERO,
                0);
    }

    static List<GeneratedRecord> records(GeneratorSettings settings) {
        List<GeneratedRecord> records = new ArrayList<>((int) settings.records());
        new AdClickGenerator(settings, GroundTruth.totalsOnly()).forEachRemaining(records::add);
        return records;
    }

    /** The generator's exact clicks per (ad, filter 0, minute), without keeping the records. */
    static GroundTruth truth(GeneratorSettings settings) {
        GroundTruth truth = new GroundTruth(ReferenceFilters.allOnly());
        new AdClickGenerator(settings, truth).forEachRemaining(record -> {});
        return truth;
    }

    /** The clicks the job's source accepts, decoded and validated by the job's own deserializer. */
    static List<AdClickEvent> accepted(List<GeneratedRecord> records) {
        DecodingDeserializer<AdClickEvent> deserializer = deserializer();
        List<AdClickEvent> clicks = new ArrayList<>(records.size());
        long offset = 0;
        for (GeneratedRecord record : records) {
            Decoded<AdClickEvent> decoded =
                    deserializer.decode(record.value(), Topics.AD_CLICKS, 0, offset++, record.timestamp());
            if (decoded.isAccepted()) {
                clicks.add(decoded.value);
            }
        }
        return clicks;
    }

    /** The ad-click job's source deserializer with its default event-age limits (7 days, 1 hour). */
    static DecodingDeserializer<AdClickEvent> deserializer() {
        return new DecodingDeserializer<>(
                AdClickEvent.class, new ClickValidator(Duration.ofDays(7), Duration.ofHours(1)));
    }

    static ClickFilters filters() {
        return ClickFilters.parse(FILTERS_YAML);
    }

    /** What a bounded-out-of-orderness strategy emits after seeing {@code maxTimestamp}. */
    static long watermarkAfter(long maxTimestamp) {
        return maxTimestamp - OUT_OF_ORDERNESS_MILLIS - 1;
    }
}
