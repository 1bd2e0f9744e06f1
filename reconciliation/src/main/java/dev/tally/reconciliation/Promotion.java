package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.cassandra.ResultTable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes a replay's results live for its range, table by table of the job's result tables: upserts
 * every row that differs (and deletes live rows the replay does not have), writes the promoted rows
 * into the tables that keep the latest of them, and publishes the upserted rows of tables with
 * corrections to their topics in one Kafka transaction. Running it again finds nothing to change and
 * publishes nothing. Compares in bounded memory as {@link Reconciliation} does; the changes it
 * publishes are held until the end.
 */
public final class Promotion {

    /** Rows changed per table, in the order of the job's tables. */
    public record Result(Map<String, Long> changed) {
        public long total() {
            return changed.values().stream().mapToLong(Long::longValue).sum();
        }

        public long of(String table) {
            return changed.getOrDefault(table, 0L);
        }
    }

    /** Where corrections go: the job's brokers, and the topic each option names. */
    public record Corrections(String bootstrapServers, Function<String, String> topicOfOption) {}

    private Promotion() {}

    public static Result promote(
            CqlSession session,
            List<ResultTable<?>> tables,
            String liveKeyspace,
            String replayKeyspace,
            Instant from,
            Instant to,
            int splits,
            Corrections corrections) {
        Map<String, Long> changed = new LinkedHashMap<>();
        List<ProducerRecord<byte[], byte[]>> published = new ArrayList<>();
        for (ResultTable<?> table : tables) {
            if (table.range().isPresent()) {
                changed.put(table.name(), promoteTable(session, table, tables, liveKeyspace, replayKeyspace, from, to, splits,
                        corrections, published));
            }
        }
        if (!published.isEmpty()) {
            publish(corrections.bootstrapServers(), replayKeyspace, published);
        }
        return new Result(changed);
    }

    private static <T> long promoteTable(
            CqlSession session,
            ResultTable<T> table,
            List<ResultTable<?>> tables,
            String liveKeyspace,
            String replayKeyspace,
            Instant from,
            Instant to,
            int splits,
            Corrections corrections,
            List<ProducerRecord<byte[], byte[]>> published) {
        PreparedStatement upsert = session.prepare(table.insertCql(liveKeyspace));
        PreparedStatement delete = session.prepare(table.deleteCql(liveKeyspace));
        List<LatestTable<T>> latest = latestTables(session, table, tables, liveKeyspace);
        Function<T, byte[]> encoder = table.corrections().map(c -> encoder(c.type())).orElse(null);
        String topic = table.corrections().map(c -> corrections.topicOfOption().apply(c.topicOption())).orElse(null);
        long[] count = {0};
        new TableComparison<>(table, from.toEpochMilli(), to.toEpochMilli())
                .compare(session, liveKeyspace, replayKeyspace, splits, mismatch -> {
                    count[0]++;
                    T replayed = mismatch.replay();
                    if (replayed == null) {
                        session.execute(delete.bind(mismatch.key().toArray()).setIdempotent(true));
                        return;
                    }
                    session.execute(upsert.bind(table.insertValues(replayed)).setIdempotent(true));
                    for (LatestTable<T> l : latest) {
                        Object[] values = l.table.insertValues(replayed);
                        // One microsecond after the live write of the same row, and before the next row's.
                        values[values.length - 1] = l.table.writeTimestamp(replayed) + 1;
                        session.execute(l.upsert.bind(values).setIdempotent(true));
                    }
                    if (encoder != null) {
                        published.add(new ProducerRecord<>(
                                topic,
                                table.corrections().orElseThrow().key().of(replayed).getBytes(StandardCharsets.UTF_8),
                                encoder.apply(replayed)));
                    }
                });
        return count[0];
    }

    private record LatestTable<T>(ResultTable<T> table, PreparedStatement upsert) {}

    @SuppressWarnings("unchecked")
    private static <T> List<LatestTable<T>> latestTables(
            CqlSession session, ResultTable<T> source, List<ResultTable<?>> tables, String liveKeyspace) {
        List<LatestTable<T>> latest = new ArrayList<>();
        for (ResultTable<?> table : tables) {
            if (table.latestOf().filter(source.name()::equals).isPresent()) {
                // latestOf(source) takes a table of the source's record type.
                ResultTable<T> typed = (ResultTable<T>) table;
                latest.add(new LatestTable<>(typed, session.prepare(typed.insertCql(liveKeyspace))));
            }
        }
        return latest;
    }

    /** The job's records are Avro (the result topics' single-object encoding); the table's type says which. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Function<T, byte[]> encoder(Class<T> type) {
        AvroCodec codec = AvroCodec.of((Class) type);
        return record -> codec.encode((SpecificRecord) record);
    }

    private static void publish(String bootstrapServers, String runKeyspace, List<ProducerRecord<byte[], byte[]>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Corrections appear all at once, or not at all, to read_committed consumers.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tally-promote-" + runKeyspace);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        }
    }
}
