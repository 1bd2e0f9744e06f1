package dev.tally.loadgen.salesrank;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.salesrank.SalesRankTables;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.DeadLetterReasons;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.salesrank.reference.SalesRankReference.Seller;
import dev.tally.loadgen.salesrank.reference.SalesRankReference.Window;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.Purchase;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what the sales-rank job wrote (Cassandra rows, committed Kafka records) with the ground truth
 * of the generated input. Exact: every category's list for every window, in Cassandra and published
 * once each to the topic, and the dead letters, given the records the job routed to the late topic,
 * which must all have been sent far behind the front. The only class of these tools that reads the
 * job's table definition.
 */
public final class SalesRankVerifier {

    /** Where the job's results are. */
    public record Target(
            KafkaClients kafka, String inputTopic, String salesRankTopic, CqlSession session, String keyspace) {}

    /** The verdict: a comparison per output, the per-record checks, and the dead-letter and late tallies. */
    public record Report(
            List<Comparison> comparisons,
            List<RecordCheck> checks,
            long deadLetters,
            Map<String, Long> deadLetterReasons,
            long lateRecords,
            ExpectedSalesRank.Totals sent) {

        public boolean exact() {
            return comparisons.stream().allMatch(Comparison::exact)
                    && checks.stream().allMatch(RecordCheck::passed)
                    && deadLetters == sent.deadLetters();
        }

        public void print(PrintStream out) {
            out.printf("%-48s %10s %8s %8s %8s%n", "OUTPUT", "MATCHED", "MISSING", "EXTRA", "WRONG");
            for (Comparison c : comparisons) {
                out.printf("%-48s %10d %8d %8d %8d%n", c.what(), c.matched(), c.missing(), c.extra(), c.wrong());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf("%-48s %10s %8s%n", "CHECK", "RECORDS", "FAILED");
            for (RecordCheck c : checks) {
                out.printf("%-48s %10d %8d%n", c.what(), c.checked(), c.failed());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf(
                    "dead letters: %d (generator injected %d malformed and %d conflicting copies) %s%n",
                    deadLetters, sent.malformed(), sent.conflicts(), deadLetterReasons);
            out.printf(
                    "late: %d records routed to the late topic of %d the generator sent far behind the front; the job"
                            + " counted the other %d, its watermark not yet past them, and so do the expected lists%n",
                    lateRecords, sent.late(), sent.late() - lateRecords);
            out.println(exact() ? "RESULT: EXACT MATCH" : "RESULT: MISMATCH");
        }
    }

    private SalesRankVerifier() {}

    public static Report verify(ExpectedSalesRank truth, Target target) throws AvroDecodeException {
        List<RecordCheck> checks = new ArrayList<>();
        String lateTopic = Topics.late(target.inputTopic());
        Set<String> sentLate = new HashSet<>();
        truth.late().forEach(p -> sentLate.add(p.getTxId()));
        Set<String> routedLate = new HashSet<>();
        AvroCodec<Purchase> purchaseCodec = AvroCodec.of(Purchase.class);
        RecordCheck.Builder onlySentLate = new RecordCheck.Builder("kafka " + lateTopic + " only sent late, once");
        long lateRecords = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), lateTopic)) {
            String tx = purchaseCodec.decode(r.value()).getTxId();
            lateRecords++;
            boolean once = routedLate.add(tx);
            onlySentLate.check(sentLate.contains(tx) && once, () -> "routed late but not sent late once: " + tx);
        }
        checks.add(onlySentLate.build());

        Map<Window, List<Seller>> expected = truth.listsCounting(routedLate);
        List<Comparison> comparisons = new ArrayList<>();
        comparisons.add(
                Comparison.of("cassandra sales_rank", expected, cassandraLists(target.session(), target.keyspace())));
        comparisons.add(
                Comparison.of("kafka " + target.salesRankTopic(), expected, kafkaLists(target, truth.topN(), checks)));

        List<ConsumerRecord<byte[], byte[]>> deadLetters =
                TopicReader.readCommitted(target.kafka(), Topics.deadLetter(target.inputTopic()));
        return new Report(
                comparisons,
                checks,
                deadLetters.size(),
                DeadLetterReasons.of(deadLetters),
                lateRecords,
                truth.totals());
    }

    /**
     * A replay's table against the lists with every purchase counted, those sent late too: a replay
     * routes nothing late (BATCH: no watermark passes a purchase before it is counted).
     */
    public static Comparison verifyReplay(ExpectedSalesRank truth, CqlSession session, String keyspace) {
        return Comparison.of(
                "cassandra sales_rank (replay)", truth.listsCounting(Set.of()), cassandraLists(session, keyspace));
    }

    static Map<Window, List<Seller>> cassandraLists(CqlSession session, String keyspace) {
        Map<Window, List<Seller>> actual = new HashMap<>();
        String cql = SalesRankTables.SALES_RANK.selectCql(keyspace);
        for (Row row : session.execute(SimpleStatement.newInstance(cql).setPageSize(5000))) {
            CategoryBestSellers list = SalesRankTables.SALES_RANK.read(row);
            actual.put(new Window(list.getCategoryId(), list.getWindowEnd()), sellers(list));
        }
        return actual;
    }

    /** Each window's list; every list keyed by its category, published once, at most N long. */
    private static Map<Window, List<Seller>> kafkaLists(Target target, int topN, List<RecordCheck> checks)
            throws AvroDecodeException {
        AvroCodec<CategoryBestSellers> codec = AvroCodec.of(CategoryBestSellers.class);
        Map<Window, List<Seller>> actual = new HashMap<>();
        RecordCheck.Builder keys = new RecordCheck.Builder("kafka " + target.salesRankTopic() + " keyed category_id");
        RecordCheck.Builder once = new RecordCheck.Builder("kafka " + target.salesRankTopic() + " one list a window");
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.salesRankTopic())) {
            CategoryBestSellers list = codec.decode(r.value());
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            keys.check(list.getCategoryId().equals(key), () -> "key " + key + " of a list of " + list.getCategoryId());
            Window window = new Window(list.getCategoryId(), list.getWindowEnd());
            boolean first = actual.put(window, sellers(list)) == null;
            once.check(first && list.getProducts().size() <= topN, () -> "again or too long: " + window);
        }
        checks.add(keys.build());
        checks.add(once.build());
        return actual;
    }

    private static List<Seller> sellers(CategoryBestSellers list) {
        return list.getProducts().stream()
                .map(p -> new Seller(p.getProductId(), p.getTotalSold(), p.getRank()))
                .toList();
    }
}
