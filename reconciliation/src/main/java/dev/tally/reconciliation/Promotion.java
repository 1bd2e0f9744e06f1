package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes a replayed version live for its range: upserts every row that differs (and deletes live rows the
 * replay does not have), and publishes the corrected counts and top-N lists to the result topics in one
 * Kafka transaction. Running it again finds nothing to change and publishes nothing.
 */
public final class Promotion {

    /** What changed. */
    public record Result(long counts, long countryCounts, long topLists) {
        public long total() {
            return counts + countryCounts + topLists;
        }
    }

    private Promotion() {}

    public static Result promote(
            CqlSession session, String liveKeyspace, String replayKeyspace, Instant from, Instant to,
            String bootstrapServers, String countsTopic, String topTopic) {
        ResultTables live = ResultTables.read(session, liveKeyspace, from, to);
        ResultTables replay = ResultTables.read(session, replayKeyspace, from, to);
        Map<ResultTables.CountKey, Long> counts = changes(live.counts, replay.counts);
        Map<ResultTables.CountryKey, Long> countries = changes(live.countryCounts, replay.countryCounts);
        Map<ResultTables.WindowKey, ResultTables.TopRow> tops = new HashMap<>();
        replay.topAds.forEach((k, v) -> {
            if (!v.equals(live.topAds.get(k))) {
                tops.put(k, v);
            }
        });

        PreparedStatement upsertCount = session.prepare(AdClickTables.COUNTS.insertCql(liveKeyspace));
        PreparedStatement deleteCount = session.prepare(AdClickTables.COUNTS.deleteCql(liveKeyspace));
        PreparedStatement upsertCountry = session.prepare(AdClickTables.COUNTRY_COUNTS.insertCql(liveKeyspace));
        PreparedStatement deleteCountry = session.prepare(AdClickTables.COUNTRY_COUNTS.deleteCql(liveKeyspace));
        PreparedStatement upsertTop = session.prepare(AdClickTables.TOP_ADS.insertCql(liveKeyspace));
        PreparedStatement upsertLatest = session.prepare(AdClickTables.TOP_ADS_LATEST.insertCql(liveKeyspace));

        counts.forEach((k, v) -> {
            AdClickCount count = new AdClickCount(k.adId(), k.filterId(), k.minute(), v);
            session.execute(v == 0
                    ? deleteCount.bind(AdClickTables.COUNTS.key(count)).setIdempotent(true)
                    : upsertCount.bind(AdClickTables.COUNTS.insertValues(count)).setIdempotent(true));
        });
        countries.forEach((k, v) -> {
            AdCountryCount count = new AdCountryCount(k.adId(), k.minute(), k.country(), v);
            session.execute(v == 0
                    ? deleteCountry.bind(AdClickTables.COUNTRY_COUNTS.key(count)).setIdempotent(true)
                    : upsertCountry.bind(AdClickTables.COUNTRY_COUNTS.insertValues(count)).setIdempotent(true));
        });
        Map<List<Integer>, ResultTables.WindowKey> newest = new HashMap<>();
        tops.forEach((k, v) -> {
            session.execute(upsertTop.bind(AdClickTables.TOP_ADS.insertValues(ResultTables.topAds(k, v))).setIdempotent(true));
            newest.merge(List.of(k.filterId(), k.windowMinutes()), k, (a, b) -> a.windowEnd() >= b.windowEnd() ? a : b);
        });
        newest.values().forEach(k -> {
            Object[] values = AdClickTables.TOP_ADS_LATEST.insertValues(ResultTables.topAds(k, tops.get(k)));
            // One microsecond after the live write of the same window, and before the next window's.
            values[values.length - 1] = (Long) values[values.length - 1] + 1;
            session.execute(upsertLatest.bind(values).setIdempotent(true));
        });

        if (!counts.isEmpty() || !tops.isEmpty()) {
            publish(bootstrapServers, countsTopic, topTopic, replayKeyspace, counts, tops);
        }
        return new Result(counts.size(), countries.size(), tops.size());
    }

    /** Keys whose replayed value differs from the live one, with the replayed value (0: no replayed row). */
    private static <K> Map<K, Long> changes(Map<K, Long> live, Map<K, Long> replay) {
        Map<K, Long> changes = new HashMap<>();
        replay.forEach((k, v) -> {
            if (!Objects.equals(live.get(k), v)) {
                changes.put(k, v);
            }
        });
        live.keySet().forEach(k -> {
            if (!replay.containsKey(k)) {
                changes.put(k, 0L);
            }
        });
        return changes;
    }

    private static void publish(
            String bootstrapServers, String countsTopic, String topTopic, String runKeyspace,
            Map<ResultTables.CountKey, Long> counts, Map<ResultTables.WindowKey, ResultTables.TopRow> tops) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Corrections appear all at once, or not at all, to read_committed consumers.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tally-promote-" + runKeyspace);
        AvroCodec<AdClickCount> countCodec = AvroCodec.of(AdClickCount.class);
        AvroCodec<TopAds> topCodec = AvroCodec.of(TopAds.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            counts.forEach((k, v) -> producer.send(new ProducerRecord<>(countsTopic, k.adId().getBytes(StandardCharsets.UTF_8),
                    countCodec.encode(new AdClickCount(k.adId(), k.filterId(), k.minute(), v)))));
            tops.forEach((k, v) -> {
                producer.send(new ProducerRecord<>(topTopic, (k.filterId() + ":" + k.windowMinutes()).getBytes(StandardCharsets.UTF_8),
                        topCodec.encode(ResultTables.topAds(k, v))));
            });
            producer.commitTransaction();
        }
    }
}
