package dev.tally.jobs.salesrank;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.kit.SqlTables;
import dev.tally.jobs.salesrank.functions.MergeBestSellers;
import dev.tally.jobs.salesrank.functions.ProductTotal;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.Purchase;
import dev.tally.schema.salesrank.RankedProduct;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The sales rank written in Flink SQL ({@link SalesRankSqlJob}), the yardstick of {@code tally bench
 * sales-rank}: the same decoded and validated Kafka input as {@link SalesRankJob}, one row per purchase
 * and distinct category, {@code HOP} windows of 7 days sliding by the hour with {@code SUM(qty)} per
 * (category, product), and a window Top-N ({@code ROW_NUMBER() OVER (PARTITION BY window_start,
 * window_end, category_id ORDER BY total DESC, product_id)}). Each window's rows are gathered into the
 * job's list record and leave through the job's sinks, so with {@code --discard-results} this measures
 * what the SQL engine computes, and without it the job's sinks too.
 *
 * <p>It computes less than the job, so the comparison flatters SQL: no dedup by tx_id and no conflict
 * rule (every copy counts), no late stream (a purchase behind the watermark is dropped without a
 * trace), and positions where the job has competition ranks (here a list's ranks are computed from
 * its totals afterwards, as the job's merge computes them).
 */
public final class SalesRankSqlQuery {

    private SalesRankSqlQuery() {}

    static SalesRankPipeline.Outputs build(DataStream<Decoded<Purchase>> input, SalesRankOptions options) {
        StreamTableEnvironment tables = SqlTables.create(input.getExecutionEnvironment(), options.jobName);
        SingleOutputStreamOperator<Purchase> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(Purchase.class))
                .uid("route-invalid-purchases")
                .name("route-invalid-purchases");
        tables.createTemporaryView(
                "sales",
                tables.fromDataStream(
                        accepted.flatMap(new SaleRows(), rowType()).name("sale-rows"),
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));

        DataStream<Row> ranked = tables.toDataStream(
                tables.sqlQuery("SELECT category_id, product_id, total, place, window_end, window_time FROM ("
                        + " SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, category_id"
                        + "   ORDER BY total DESC, product_id ASC) AS place"
                        + " FROM (SELECT window_start, window_end, window_time, category_id, product_id,"
                        + "   SUM(qty) AS total"
                        + "   FROM TABLE(HOP(TABLE sales, DESCRIPTOR(rowtime), INTERVAL '1' HOUR, INTERVAL '7' DAY))"
                        + "   GROUP BY window_start, window_end, window_time, category_id, product_id))"
                        + " WHERE place <= " + options.topN));

        SingleOutputStreamOperator<CategoryBestSellers> lists = ranked.keyBy(
                        row -> row.<String>getFieldAs("category_id"), Types.STRING)
                .process(new ListsOfWindows(), new AvroTypeInfo<>(CategoryBestSellers.class))
                .uid("lists-of-windows")
                .name("lists-of-windows");

        return new SalesRankPipeline.Outputs(
                accepted, accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS), null, lists);
    }

    private static TypeInformation<Row> rowType() {
        return Types.ROW_NAMED(
                new String[] {"category_id", "product_id", "qty"}, Types.STRING, Types.STRING, Types.LONG);
    }

    /** A purchase as a row per distinct category of the {@code sales} table. */
    static final class SaleRows implements FlatMapFunction<Purchase, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Purchase p, Collector<Row> out) {
            for (String category : new LinkedHashSet<>(p.getCategoryIds())) {
                out.collect(Row.of(category, p.getProductId(), (long) p.getQty()));
            }
        }
    }

    /** A window's Top-N rows of a category gathered into one list, when the watermark passes the window. */
    static final class ListsOfWindows extends KeyedProcessFunction<String, Row, CategoryBestSellers> {
        private static final long serialVersionUID = 1L;

        private transient MapState<Long, List<Row>> windows;

        @Override
        public void open(OpenContext openContext) {
            windows = getRuntimeContext()
                    .getMapState(
                            new MapStateDescriptor<>("windows", Types.LONG, Types.LIST(TypeInformation.of(Row.class))));
        }

        @Override
        public void processElement(Row row, Context ctx, Collector<CategoryBestSellers> out) throws Exception {
            long end = SqlTables.epochMillis(row, "window_end");
            List<Row> rows = windows.get(end);
            if (rows == null) {
                rows = new ArrayList<>();
                ctx.timerService().registerEventTimeTimer(end - 1);
            }
            rows.add(row);
            windows.put(end, rows);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<CategoryBestSellers> out) throws Exception {
            long end = timestamp + 1;
            List<Row> rows = windows.get(end);
            windows.remove(end);
            TreeMap<Long, ProductTotal> byPlace = new TreeMap<>();
            for (Row row : rows) {
                byPlace.put(
                        row.<Long>getFieldAs("place"),
                        new ProductTotal(
                                ctx.getCurrentKey(), row.getFieldAs("product_id"), end, row.<Long>getFieldAs("total")));
            }
            List<RankedProduct> products = MergeBestSellers.ranked(new ArrayList<>(byPlace.values()));
            out.collect(new CategoryBestSellers(ctx.getCurrentKey(), end, products));
        }
    }
}
