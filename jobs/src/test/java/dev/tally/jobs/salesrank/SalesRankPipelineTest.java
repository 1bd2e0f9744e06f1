package dev.tally.jobs.salesrank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.RecordFates;
import dev.tally.jobs.kit.WatermarkAfterEveryRecord;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.Purchase;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole sales-rank DAG on a MiniCluster: the System Design Primer's worked example (its sales log
 * t1..t5 and the sorted output it derives), then windows sliding over a week, ties, a duplicate and
 * a dead letter.
 */
class SalesRankPipelineTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(RecordFates.miniCluster(METRICS, 2));

    private static final long H0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    @Test
    void thePrimersExampleAndWindowsSlidingOverAWeek() throws Exception {
        List<Decoded<Purchase>> input = new ArrayList<>();
        // The Primer's log (timestamp product_id category_id qty ...), t1..t5 a second apart.
        input.add(purchase("tx1", H0 + 1_000, "product1", 2, "category1"));
        input.add(purchase("tx2", H0 + 2_000, "product1", 2, "category2"));
        input.add(purchase("tx3", H0 + 2_000, "product1", 1, "category2"));
        input.add(purchase("tx4", H0 + 3_000, "product2", 3, "category1"));
        input.add(purchase("tx5", H0 + 4_000, "product3", 7, "category2"));
        input.add(purchase("tx6", H0 + 5_000, "product4", 1, "category1"));
        // Faults: a re-send and a record the decoder refused. (No copy with other content: which copy
        // arrives first is a race here, where the source's one subtask feeds two; DeduplicatePurchasesTest
        // and the integration tests, whose source keeps a partition's order, cover those.)
        input.add(purchase("tx2", H0 + 2_000, "product1", 2, "category2"));
        input.add(Decoded.rejected(deadLetter()));
        // category3 slides: x in hour 0 (its category listed twice), y in hour 2 and a week later.
        input.add(purchase("tx7", H0 + 600_000, "x", 5, "category3", "category3"));
        // category4: three products tie above a fourth, with room for three.
        input.add(purchase("tx8", H0 + 660_000, "a", 3, "category4"));
        input.add(purchase("tx9", H0 + 660_000, "d", 3, "category4"));
        input.add(purchase("tx10", H0 + 660_000, "b", 3, "category4"));
        input.add(purchase("tx11", H0 + 660_000, "c", 1, "category4"));
        input.add(purchase("tx12", H0 + 2 * HOUR, "y", 4, "category3"));
        input.add(purchase("tx13", H0 + 7 * DAY + 1_800_000, "y", 2, "category3"));
        // A late purchase is not in here: with two subtasks which channel's watermark arrives first is
        // a race (WatermarkAfterEveryRecord); DeduplicatePurchasesTest covers it.

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<Decoded<Purchase>> purchases = env.fromData(input, Decoded.typeInfo(Purchase.class))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(
                        WatermarkAfterEveryRecord.of(new SalesRankOptions().outOfOrderness, Purchase::getTs))
                .setParallelism(1);
        SalesRankPipeline.Outputs outputs =
                SalesRankPipeline.build(purchases, new SalesRankPipeline.Settings(3, Duration.ofHours(1), "purchases"));
        CloseableIterator<CategoryBestSellers> lists = outputs.bestSellers().collectAsync();
        CloseableIterator<Purchase> late = outputs.late().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters().collectAsync();
        JobID job = env.execute("sales-rank-pipeline-test").getJobID();

        List<DeadLetter> dls = drain(deadLetters);
        Map<String, TreeMap<Long, String>> byCategory = new TreeMap<>();
        for (CategoryBestSellers list : drain(lists)) {
            String previous = byCategory
                    .computeIfAbsent(list.getCategoryId(), c -> new TreeMap<>())
                    .put((list.getWindowEnd() - H0) / HOUR, describe(list));
            assertThat(previous).as("one list per category and window").isNull();
        }

        // The Primer's sorted output, best first: (category1, 3) product2, (category1, 2) product1,
        // (category1, 1) product4; (category2, 7) product3, (category2, 3) product1. Every window that
        // holds hour 0 (ending at 1 h to 168 h) lists it, and no other window exists.
        assertThat(byCategory.get("category1"))
                .hasSize(168)
                .containsEntry(1L, "product2:3#1 product1:2#2 product4:1#3");
        assertThat(byCategory.get("category1").firstKey()).isEqualTo(1L);
        assertThat(byCategory.get("category1").lastKey()).isEqualTo(168L);
        assertThat(byCategory.get("category1").values()).containsOnly("product2:3#1 product1:2#2 product4:1#3");
        assertThat(byCategory.get("category2").values()).hasSize(168).containsOnly("product3:7#1 product1:3#2");

        assertThat(byCategory.get("category4").values()).hasSize(168).containsOnly("a:3#1 b:3#1 d:3#1");

        TreeMap<Long, String> slides = byCategory.get("category3");
        assertThat(slides).hasSize(14 * 24);
        assertThat(slides.firstKey()).isEqualTo(1L);
        assertThat(slides.lastKey()).isEqualTo(14 * 24L);
        assertThat(slides)
                .containsEntry(1L, "x:5#1")
                .containsEntry(2L, "x:5#1")
                .containsEntry(3L, "x:5#1 y:4#2")
                .containsEntry(168L, "x:5#1 y:4#2")
                .containsEntry(169L, "y:6#1")
                .containsEntry(170L, "y:6#1")
                .containsEntry(171L, "y:2#1")
                .containsEntry(14 * 24L, "y:2#1");

        assertThat(drain(late)).isEmpty();
        assertThat(dls).extracting(DeadLetter::getReason).containsExactly("CORRUPT");
        assertThat(RecordFates.of(METRICS, job))
                .isEqualTo(Map.of(
                        RecordFate.ACCEPTED, 13L,
                        RecordFate.DUPLICATE, 1L,
                        RecordFate.LATE, 0L,
                        RecordFate.INVALID, 1L));
        assertThat(input).hasSize(15);
    }

    private static String describe(CategoryBestSellers list) {
        return list.getProducts().stream()
                .map(p -> p.getProductId() + ":" + p.getTotalSold() + "#" + p.getRank())
                .collect(Collectors.joining(" "));
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        iterator.close();
        return all;
    }

    private static Decoded<Purchase> purchase(String tx, long ts, String product, int qty, String... categories) {
        return Decoded.accepted(new Purchase(tx, ts, product, List.of(categories), qty));
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("purchases")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .setSourceTimestamp(H0)
                .setReason("CORRUPT")
                .setDetail("test")
                .setOriginal(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }
}
