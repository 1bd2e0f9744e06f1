package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.cassandra.ReplayRuns;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.client.KafkaClients;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes a replay's results live for a range, table by table of the job's result tables: upserts every
 * row that differs (and deletes live rows the replay does not have, up to a limit), writes the
 * promoted rows into the tables that keep the latest of them, and publishes the upserted rows of
 * tables with corrections to their topics in one Kafka transaction.
 *
 * <p>It refuses, before changing anything, a replay that did not complete, replayed nothing, is of
 * another job, did not cover the range, or computed with another result definition (filters,
 * windows, ...) than the live job's: promoting such a run would overwrite correct live counts.
 *
 * <p>Each correction is journaled in the replay keyspace before its live row changes, and marked
 * published once the transaction committed; a promote that crashed in between publishes the rest on
 * its next run, which finds no row left to change. A crash after the commit and before the marks
 * publishes those corrections again: consumers keep the last record per key, and it is the same.
 * Compares in bounded memory as {@link Reconciliation} does, twice when rows change: once to count
 * the changes, once to make them.
 */
public final class Promotion {

    /** A promote that must not run; nothing was changed. */
    public static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /** What to promote, and how far it may go. */
    public record Request(
            String job,
            List<ResultTable<?>> tables,
            String liveKeyspace,
            String replayKeyspace,
            Instant from,
            Instant to,
            int splits,
            Map<String, String> liveDefinition,
            long maxDeletes,
            boolean dryRun,
            Corrections corrections) {}

    /** Where corrections go: the job's brokers, and the topic each option names. */
    public record Corrections(KafkaClients kafka, Function<String, String> topicOfOption) {}

    /** Rows to upsert and to delete in one table. */
    public record Changes(long upserts, long deletes) {
        long total() {
            return upserts + deletes;
        }
    }

    /** Changes per table, in the order of the job's tables; {@code published} corrections sent to Kafka. */
    public record Result(Map<String, Changes> changes, long published, boolean dryRun) {
        public long total() {
            return changes.values().stream().mapToLong(Changes::total).sum();
        }

        public long deletes() {
            return changes.values().stream().mapToLong(Changes::deletes).sum();
        }

        public long of(String table) {
            Changes c = changes.get(table);
            return c == null ? 0 : c.total();
        }
    }

    private Promotion() {}

    public static Result promote(CqlSession session, Request request) {
        check(request, ReplayRuns.read(session, request.replayKeyspace()).orElse(null));
        Map<String, Changes> changes = new LinkedHashMap<>();
        for (ResultTable<?> table : request.tables()) {
            if (table.range().isPresent()) {
                changes.put(table.name(), count(session, table, request));
            }
        }
        Result plan = new Result(changes, 0, true);
        if (request.dryRun()) {
            return plan;
        }
        if (plan.deletes() > request.maxDeletes()) {
            throw new Refused(String.format(
                    "The promote would delete %,d live rows the replay does not have (%s), more than --max-deletes %,d."
                            + " A live row the replay lacks means the replay missed input or the live job counted what it"
                            + " should not; find out which, then allow the deletes with --max-deletes.",
                    plan.deletes(), changes, request.maxDeletes()));
        }
        Journal journal = new Journal(session, request.replayKeyspace(), request.liveKeyspace());
        if (plan.total() > 0) {
            for (ResultTable<?> table : request.tables()) {
                if (table.range().isPresent()) {
                    apply(session, table, request, journal);
                }
            }
        }
        // Also after nothing changed: what an earlier, interrupted promote journaled goes out now.
        long published = journal.publish(request.corrections().kafka());
        return new Result(changes, published, false);
    }

    /** Throws {@link Refused} unless {@code run} is a completed replay of the request's job, range and definition. */
    static void check(Request request, ReplayRuns.Run run) {
        String ks = request.replayKeyspace();
        for (ResultTable<?> table : request.tables()) {
            if (table.range().isPresent() && table.isWrittenByUpdate()) {
                throw new Refused(table.name() + " is written at the job's own write timestamps, which a replay's"
                        + " rows do not carry into the live keyspace: a promote could not remove what it should."
                        + " Serve the replay keyspace instead (the dashboard's --keyspace). Nothing was changed.");
            }
        }
        if (run == null) {
            throw new Refused(
                    "Keyspace " + ks + " holds no record of a replay run: not a replay keyspace, or the replay"
                            + " never started. Nothing was changed.");
        }
        if (!run.completed()) {
            throw new Refused(
                    "The replay in " + ks + " started at " + run.startedAt() + " and never completed (it failed or"
                            + " still runs); its results are partial. Replay again. Nothing was changed.");
        }
        if (!run.job().equals(request.job())) {
            throw new Refused("The replay in " + ks + " is of job " + run.job() + ", not " + request.job() + ".");
        }
        if (run.replayedRecords() == null || run.replayedRecords() == 0) {
            throw new Refused("The replay in " + ks + " replayed no records of [" + run.from() + ", " + run.to()
                    + ") from "
                    + run.source() + " (Kafka retention passed? another archive?); promoting it would delete the live"
                    + " results. Nothing was changed.");
        }
        if (request.from().isBefore(run.from()) || request.to().isAfter(run.to())) {
            throw new Refused(
                    "The range [" + request.from() + ", " + request.to() + ") is not inside the replayed range ["
                            + run.from() + ", " + run.to() + "). Nothing was changed.");
        }
        if (!run.definition().equals(request.liveDefinition())) {
            TreeSet<String> differing = new TreeSet<>(run.definition().keySet());
            differing.addAll(request.liveDefinition().keySet());
            differing.removeIf(k -> java.util.Objects.equals(
                    run.definition().get(k), request.liveDefinition().get(k)));
            List<String> lines = new ArrayList<>();
            for (String option : differing) {
                lines.add(option + ": replay " + run.definition().get(option) + ", live "
                        + request.liveDefinition().get(option));
            }
            throw new Refused("The replay in " + ks + " computed other results than the live job's options say ("
                    + String.join("; ", lines) + "). Replay with the live job's options. Nothing was changed.");
        }
    }

    private static <T> Changes count(CqlSession session, ResultTable<T> table, Request request) {
        long[] upsertsDeletes = {0, 0};
        new TableComparison<>(table, request.from().toEpochMilli(), request.to().toEpochMilli())
                .compare(
                        session,
                        request.liveKeyspace(),
                        request.replayKeyspace(),
                        request.splits(),
                        mismatch -> upsertsDeletes[mismatch.replay() == null ? 1 : 0]++);
        return new Changes(upsertsDeletes[0], upsertsDeletes[1]);
    }

    private static <T> void apply(CqlSession session, ResultTable<T> table, Request request, Journal journal) {
        String live = request.liveKeyspace();
        PreparedStatement upsert = session.prepare(table.insertCql(live));
        PreparedStatement delete = session.prepare(table.deleteCql(live));
        List<LatestTable<T>> latest = latestTables(session, table, request.tables(), live);
        Function<T, byte[]> encoder =
                table.corrections().map(c -> encoder(c.type())).orElse(null);
        String topic = table.corrections()
                .map(c -> request.corrections().topicOfOption().apply(c.topicOption()))
                .orElse(null);
        new TableComparison<>(table, request.from().toEpochMilli(), request.to().toEpochMilli())
                .compare(session, live, request.replayKeyspace(), request.splits(), mismatch -> {
                    T replayed = mismatch.replay();
                    if (replayed == null) {
                        session.execute(delete.bind(mismatch.key().toArray()).setIdempotent(true));
                        return;
                    }
                    if (encoder != null) {
                        // Journaled first: once the live row changed, no later comparison finds this correction.
                        journal.add(
                                topic,
                                table.name() + mismatch.key(),
                                table.corrections().orElseThrow().key().of(replayed),
                                encoder.apply(replayed));
                    }
                    session.execute(upsert.bind(table.insertValues(replayed)).setIdempotent(true));
                    for (LatestTable<T> l : latest) {
                        Object[] values = l.table.insertValues(replayed);
                        // One microsecond after the live write of the same row, and before the next row's.
                        values[values.length - 1] = l.table.writeTimestamp(replayed) + 1;
                        session.execute(l.upsert.bind(values).setIdempotent(true));
                    }
                });
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

    /** The corrections of promotions of one replay into one live keyspace (table {@code promotion_journal}). */
    static final class Journal {
        private final CqlSession session;
        private final String replayKeyspace;
        private final String liveKeyspace;
        private final PreparedStatement insert;

        Journal(CqlSession session, String replayKeyspace, String liveKeyspace) {
            this.session = session;
            this.replayKeyspace = replayKeyspace;
            this.liveKeyspace = liveKeyspace;
            this.insert = session.prepare(
                    "INSERT INTO " + replayKeyspace + ".promotion_journal"
                            + " (live_keyspace, topic, row_key, record_key, record_value, published) VALUES (?, ?, ?, ?, ?, false)");
        }

        /** Journals the correction of one result row ({@code rowKey}: its table and key columns). */
        void add(String topic, String rowKey, String key, byte[] value) {
            session.execute(insert.bind(
                            liveKeyspace,
                            topic,
                            rowKey,
                            ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
                            ByteBuffer.wrap(value))
                    .setIdempotent(true));
        }

        /** Sends every unpublished correction in one transaction, then marks them; returns how many. */
        long publish(KafkaClients kafka) {
            Properties props = kafka.clientProperties();
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            // Corrections appear all at once, or not at all, to read_committed consumers.
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tally-promote-" + replayKeyspace + "-" + liveKeyspace);
            long sent = 0;
            KafkaProducer<byte[], byte[]> producer = null;
            try {
                for (Row row : unpublished()) {
                    if (producer == null) {
                        producer = new KafkaProducer<>(props);
                        producer.initTransactions();
                        producer.beginTransaction();
                    }
                    producer.send(new ProducerRecord<>(
                            row.getString("topic"),
                            bytes(row.getByteBuffer("record_key")),
                            bytes(row.getByteBuffer("record_value"))));
                    sent++;
                }
                if (producer != null) {
                    producer.commitTransaction();
                }
            } finally {
                if (producer != null) {
                    producer.close();
                }
            }
            if (sent > 0) {
                // A second pass rather than a list of what was sent: memory stays bounded however many.
                PreparedStatement mark =
                        session.prepare("UPDATE " + replayKeyspace + ".promotion_journal SET published = true"
                                + " WHERE live_keyspace = ? AND topic = ? AND row_key = ?");
                for (Row row : unpublished()) {
                    session.execute(mark.bind(liveKeyspace, row.getString("topic"), row.getString("row_key"))
                            .setIdempotent(true));
                }
            }
            return sent;
        }

        /** The journal's unpublished rows, read page by page. */
        private Iterable<Row> unpublished() {
            Iterable<Row> rows = session.execute(SimpleStatement.newInstance(
                    "SELECT topic, row_key, record_key, record_value, published FROM " + replayKeyspace
                            + ".promotion_journal" + " WHERE live_keyspace = ?",
                    liveKeyspace));
            return () -> java.util.stream.StreamSupport.stream(rows.spliterator(), false)
                    .filter(row -> !row.getBoolean("published"))
                    .iterator();
        }

        private static byte[] bytes(ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
    }
}
