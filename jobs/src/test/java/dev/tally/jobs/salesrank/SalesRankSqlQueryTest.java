package dev.tally.jobs.salesrank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.WatermarkAfterEveryRecord;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink SQL yardstick of {@code tally bench sales-rank} on a MiniCluster over the Primer's worked
 * example: the same lists as the job for every window, so that comparing its speed with the job's means
 * something.
 */
class SalesRankSqlQueryTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long H0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    @Test
    void thePrimersExampleInEveryWindowThatHoldsIt() throws Exception {
        List<Decoded<Purchase>> input = List.of(
                purchase("1", H0 + 1_000, "product1", 2, "category1"),
                purchase("2", H0 + 2_000, "product1", 2, "category2"),
                purchase("3", H0 + 2_000, "product1", 1, "category2"),
                purchase("4", H0 + 3_000, "product2", 3, "category1"),
                purchase("5", H0 + 4_000, "product3", 7, "category2"),
                purchase("6", H0 + 5_000, "product4", 1, "category1", "category1"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SalesRankOptions options = JobOptions.parse(new SalesRankOptions(), "--top-n", "3");
        SalesRankPipeline.Outputs outputs = SalesRankSqlQuery.build(
                env.fromData(input, Decoded.typeInfo(Purchase.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkAfterEveryRecord.of(options.outOfOrderness, Purchase::getTs)),
                options);
        CloseableIterator<CategoryBestSellers> lists = outputs.bestSellers().collectAsync();
        env.execute("sales-rank-sql-test");

        Map<String, TreeMap<Long, String>> byCategory = new TreeMap<>();
        lists.forEachRemaining(list -> byCategory
                .computeIfAbsent(list.getCategoryId(), c -> new TreeMap<>())
                .put((list.getWindowEnd() - H0) / HOUR, describe(list)));
        lists.close();
        assertThat(byCategory.get("category1")).hasSize(168);
        assertThat(byCategory.get("category1").firstKey()).isEqualTo(1L);
        assertThat(byCategory.get("category1").values()).containsOnly("product2:3#1 product1:2#2 product4:1#3");
        assertThat(byCategory.get("category2").values()).hasSize(168).containsOnly("product3:7#1 product1:3#2");
    }

    private static String describe(CategoryBestSellers list) {
        return list.getProducts().stream()
                .map(p -> p.getProductId() + ":" + p.getTotalSold() + "#" + p.getRank())
                .collect(Collectors.joining(" "));
    }

    private static Decoded<Purchase> purchase(String tx, long ts, String product, int qty, String... categories) {
        return Decoded.accepted(new Purchase(tx, ts, product, new ArrayList<>(List.of(categories)), qty));
    }
}
