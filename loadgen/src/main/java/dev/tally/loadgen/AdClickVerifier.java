package dev.tally.loadgen;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what the ad-click job wrote (Cassandra rows, committed Kafka records) with the ground truth of
 * the generated input. Exact: every count, every country count and every top-N list must match.
 */
public final class AdClickVerifier {

    /** Where the job's results are. */
    public record Target(
            KafkaClients kafka,
            String inputTopic,
            String countsTopic,
            String topTopic,
            CqlSession session,
            String keyspace) {}

    /** The verdict: one comparison per output, and the dead-letter and late tallies. */
    public record Report(
            List<Comparison> comparisons,
            long deadLetters,
            long expectedDeadLetters,
            long lateClicks,
            long injectedLate,
            List<String> unexpectedLate) {

        public boolean exact() {
            return comparisons.stream().allMatch(Comparison::exact)
                    && deadLetters == expectedDeadLetters
                    && unexpectedLate.isEmpty();
        }

        public void print(PrintStream out) {
            out.printf("%-32s %10s %8s %8s %8s%n", "OUTPUT", "MATCHED", "MISSING", "EXTRA", "WRONG");
            for (Comparison c : comparisons) {
                out.printf("%-32s %10d %8d %8d %8d%n", c.what(), c.matched(), c.missing(), c.extra(), c.wrong());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf("dead letters: %d (generator injected %d malformed)%n", deadLetters, expectedDeadLetters);
            out.printf(
                    "late clicks: %d routed to the late topic (of %d injected late; the rest were still on time)%n",
                    lateClicks, injectedLate);
            unexpectedLate.forEach(id -> out.println("    unexpected late click " + id));
            out.println(exact() ? "RESULT: EXACT MATCH" : "RESULT: MISMATCH");
        }
    }

    private AdClickVerifier() {}

    public static Report verify(GroundTruth truth, Target target, int[] windowMinutes, int topN)
            throws AvroDecodeException {
        // Injected-late clicks the job routed to the late topic were not counted: take them out.
        AvroCodec<AdClickEvent> clickCodec = AvroCodec.of(AdClickEvent.class);
        Set<String> lateIds = new HashSet<>();
        List<String> unexpectedLate = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TopicReader.readCommitted(target.kafka(), target.inputTopic() + ".late")) {
            String id = clickCodec.decode(r.value()).getClickId();
            if (!truth.late().containsKey(id)) {
                unexpectedLate.add(id);
            }
            lateIds.add(id);
        }
        Map<GroundTruth.CountKey, Long> counts = new HashMap<>(truth.counts());
        Map<GroundTruth.CountryKey, Long> countryCounts = new HashMap<>(truth.countryCounts());
        for (String id : lateIds) {
            GroundTruth.LateClick late = truth.late().get(id);
            if (late == null) {
                continue;
            }
            for (int filter : late.filterIds()) {
                decrement(counts, new GroundTruth.CountKey(late.adId(), filter, late.minute()));
            }
            decrement(countryCounts, new GroundTruth.CountryKey(late.adId(), late.minute(), late.country()));
        }
        Map<TopNReference.WindowKey, List<TopNReference.Entry>> top =
                TopNReference.compute(counts, windowMinutes, topN);

        List<Comparison> comparisons = new ArrayList<>();
        comparisons.add(Comparison.of("cassandra ad_click_counts", counts, cassandraCounts(target)));
        comparisons.add(Comparison.of("cassandra ad_country_counts", countryCounts, cassandraCountryCounts(target)));
        comparisons.add(Comparison.of("cassandra top_ads", top, cassandraTopAds(target)));
        comparisons.add(Comparison.of("cassandra top_ads_latest", latest(top), cassandraTopAdsLatest(target)));
        comparisons.add(Comparison.of("kafka " + target.countsTopic(), counts, kafkaCounts(target)));
        comparisons.add(Comparison.of("kafka " + target.topTopic(), top, kafkaTopAds(target)));

        long deadLetters = TopicReader.readCommitted(target.kafka(), target.inputTopic() + ".dlq")
                .size();
        return new Report(
                comparisons,
                deadLetters,
                truth.malformed(),
                lateIds.size(),
                truth.late().size(),
                unexpectedLate);
    }

    private static <K> void decrement(Map<K, Long> map, K key) {
        map.computeIfPresent(key, (k, v) -> v == 1 ? null : v - 1);
    }

    /** The newest window of each (filter, size): what top_ads_latest must hold. */
    private static Map<TopNReference.WindowKey, List<TopNReference.Entry>> latest(
            Map<TopNReference.WindowKey, List<TopNReference.Entry>> top) {
        Map<List<Integer>, TopNReference.WindowKey> newest = new HashMap<>();
        top.keySet()
                .forEach(k -> newest.merge(
                        List.of(k.filterId(), k.windowMinutes()), k, (a, b) -> a.windowEnd() >= b.windowEnd() ? a : b));
        Map<TopNReference.WindowKey, List<TopNReference.Entry>> result = new HashMap<>();
        newest.values().forEach(k -> result.put(k, top.get(k)));
        return result;
    }

    private static Iterable<Row> rows(Target target, String cql) {
        return target.session().execute(SimpleStatement.newInstance(cql).setPageSize(5000));
    }

    private static Map<GroundTruth.CountKey, Long> cassandraCounts(Target target) {
        Map<GroundTruth.CountKey, Long> actual = new HashMap<>();
        for (Row row : rows(target, AdClickTables.COUNTS.selectCql(target.keyspace()))) {
            AdClickCount c = AdClickTables.COUNTS.read(row);
            actual.put(new GroundTruth.CountKey(c.getAdId(), c.getFilterId(), c.getClickMinute()), c.getCount());
        }
        return actual;
    }

    private static Map<GroundTruth.CountryKey, Long> cassandraCountryCounts(Target target) {
        Map<GroundTruth.CountryKey, Long> actual = new HashMap<>();
        for (Row row : rows(target, AdClickTables.COUNTRY_COUNTS.selectCql(target.keyspace()))) {
            AdCountryCount c = AdClickTables.COUNTRY_COUNTS.read(row);
            actual.put(new GroundTruth.CountryKey(c.getAdId(), c.getClickMinute(), c.getCountry()), c.getCount());
        }
        return actual;
    }

    private static Map<TopNReference.WindowKey, List<TopNReference.Entry>> cassandraTopAds(Target target) {
        return topRows(target, AdClickTables.TOP_ADS);
    }

    private static Map<TopNReference.WindowKey, List<TopNReference.Entry>> cassandraTopAdsLatest(Target target) {
        return topRows(target, AdClickTables.TOP_ADS_LATEST);
    }

    private static Map<TopNReference.WindowKey, List<TopNReference.Entry>> topRows(
            Target target, ResultTable<TopAds> table) {
        Map<TopNReference.WindowKey, List<TopNReference.Entry>> actual = new HashMap<>();
        for (Row row : rows(target, table.selectCql(target.keyspace()))) {
            put(actual, table.read(row));
        }
        return actual;
    }

    private static void put(Map<TopNReference.WindowKey, List<TopNReference.Entry>> lists, TopAds t) {
        List<TopNReference.Entry> entries = new ArrayList<>();
        for (AdCount a : t.getAds()) {
            entries.add(new TopNReference.Entry(a.getAdId(), a.getCount()));
        }
        lists.put(new TopNReference.WindowKey(t.getFilterId(), t.getWindowMinutes(), t.getWindowEnd()), entries);
    }

    private static Map<GroundTruth.CountKey, Long> kafkaCounts(Target target) throws AvroDecodeException {
        AvroCodec<AdClickCount> codec = AvroCodec.of(AdClickCount.class);
        Map<GroundTruth.CountKey, Long> actual = new HashMap<>();
        // Records are updates: the last one for a key is its value.
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.countsTopic())) {
            AdClickCount c = codec.decode(r.value());
            actual.put(new GroundTruth.CountKey(c.getAdId(), c.getFilterId(), c.getClickMinute()), c.getCount());
        }
        return actual;
    }

    private static Map<TopNReference.WindowKey, List<TopNReference.Entry>> kafkaTopAds(Target target)
            throws AvroDecodeException {
        AvroCodec<TopAds> codec = AvroCodec.of(TopAds.class);
        Map<TopNReference.WindowKey, List<TopNReference.Entry>> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.topTopic())) {
            put(actual, codec.decode(r.value()));
        }
        return actual;
    }
}
