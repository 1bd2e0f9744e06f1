package dev.tally.jobs.salesrank;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.cassandra.CassandraUpsert;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.salesrank.functions.SalesWindows;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.RankedProduct;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The sales-rank job's Cassandra table (created by {@code cql/006-sales-rank.cql}), defined once: the
 * sink, the verifier and the dashboard all use it. No Flink class is touched here.
 */
public final class SalesRankTables {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(35);

    /** The default table: rows live {@link #DEFAULT_RETENTION} after their window's end. */
    public static final ResultTable<CategoryBestSellers> SALES_RANK = salesRank(DEFAULT_RETENTION);

    public static final List<ResultTable<?>> ALL = List.of(SALES_RANK);

    private SalesRankTables() {}

    /**
     * Each category's best sellers per window end, the whole list in one row. A replay of [from, to)
     * reads the purchases of that range alone, so only the windows that lie within it, ending in
     * [from + 7 d, to], are recalculated exactly.
     */
    public static ResultTable<CategoryBestSellers> salesRank(Duration retention) {
        long retentionMillis = retention.toMillis();
        return ResultTable.of(
                        "sales_rank",
                        1,
                        List.of("category_id", "window_end"),
                        List.of("product_ids", "total_sold", "ranks"),
                        SalesRankTables::row,
                        SalesRankTables::read)
                .withTimeToLive(
                        (b, now) -> CassandraUpsert.TimeToLive.retainedAfter(b.getWindowEnd(), retentionMillis, now))
                .withRange(
                        (b, from, to) -> SalesWindows.windowStart(b.getWindowEnd()) >= from && b.getWindowEnd() <= to)
                .withMeasure(b -> b.getProducts().stream()
                        .mapToLong(RankedProduct::getTotalSold)
                        .sum());
    }

    /** The Kafka key of a list: one category's lists stay in order on one partition. */
    public static String categoryKey(CategoryBestSellers b) {
        return b.getCategoryId();
    }

    private static Object[] row(CategoryBestSellers b) {
        List<RankedProduct> products = b.getProducts();
        return new Object[] {
            b.getCategoryId(),
            Instant.ofEpochMilli(b.getWindowEnd()),
            products.stream().map(RankedProduct::getProductId).toList(),
            products.stream().map(RankedProduct::getTotalSold).toList(),
            products.stream().map(RankedProduct::getRank).toList()
        };
    }

    private static CategoryBestSellers read(Row row) {
        List<String> ids = row.getList("product_ids", String.class);
        List<Long> totals = row.getList("total_sold", Long.class);
        List<Integer> ranks = row.getList("ranks", Integer.class);
        List<RankedProduct> products = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            products.add(new RankedProduct(ids.get(i), totals.get(i), ranks.get(i)));
        }
        return new CategoryBestSellers(
                row.getString("category_id"), row.getInstant("window_end").toEpochMilli(), products);
    }
}
