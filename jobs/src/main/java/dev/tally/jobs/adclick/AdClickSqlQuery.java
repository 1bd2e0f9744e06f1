package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.functions.AdTotal;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.MergeTopN;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.kit.SqlTables;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The ad-click aggregation written in Flink SQL ({@link AdClickSqlJob}), the yardstick of {@code tally bench ad-clicks}: the
 * same decoded and validated Kafka input as {@link AdClickJob}, deduplication with ROW_NUMBER,
 * tumbling 1-minute counts per ad and filter (and per ad and country), and the top N per minute and
 * filter with ROW_NUMBER. Filters are matched by the job's own {@link ClickFilters} as a table
 * function, so both versions count the same clicks. The results leave through the job's own sinks
 * ({@link AdClickSinks#attach}), so with {@code --discard-results} this measures what the SQL engine
 * computes and without it the same work as the job's, Kafka, Cassandra and archive included.
 */
public final class AdClickSqlQuery {

    private AdClickSqlQuery() {}

    /** The query's DAG in a table environment of {@code input}'s execution environment. */
    static AdClickPipeline.Outputs build(DataStream<Decoded<AdClickEvent>> input, AdClickOptions options) {
        return build(tables(input.getExecutionEnvironment(), options), input, options.settings());
    }

    /** The table environment the query runs in. */
    public static StreamTableEnvironment tables(StreamExecutionEnvironment env, AdClickOptions options) {
        StreamTableEnvironment tables = SqlTables.create(env, options.jobName);
        // The same horizon as the DataStream job's dedup; SQL state TTL counts processing time.
        tables.getConfig().set("table.exec.state.ttl", options.dedupHorizon.toMillis() + " ms");
        return tables;
    }

    /**
     * The query's DAG from decoded clicks to the job's result streams, in {@code tables} as {@link
     * #tables} sets it up.
     */
    public static AdClickPipeline.Outputs build(
            StreamTableEnvironment tables, DataStream<Decoded<AdClickEvent>> input, AdClickPipeline.Settings settings) {
        SingleOutputStreamOperator<AdClickEvent> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(AdClickEvent.class))
                .uid("route-invalid-clicks")
                .name("route-invalid-clicks");
        tables.createTemporaryView(
                "clicks",
                tables.fromDataStream(
                        accepted.map(new ClickRow(), rowType()).name("click-rows"),
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .columnByExpression("proctime", "PROCTIME()")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));
        tables.createTemporarySystemFunction("MATCHING_FILTERS", new MatchingFilters(settings.filters()));

        tables.executeSql(
                "CREATE TEMPORARY VIEW unique_clicks AS SELECT click_id, ad_id, country, ip, user_id, rowtime FROM ("
                        + " SELECT *, ROW_NUMBER() OVER (PARTITION BY click_id ORDER BY proctime ASC) AS rn FROM clicks)"
                        + " WHERE rn = 1");
        tables.executeSql(
                "CREATE TEMPORARY VIEW filtered_clicks AS SELECT u.ad_id, f.filter_id, u.rowtime FROM unique_clicks AS u,"
                        + " LATERAL TABLE(MATCHING_FILTERS(u.country, u.ip, u.user_id)) AS f(filter_id)");
        tables.executeSql("CREATE TEMPORARY VIEW minute_counts AS"
                + " SELECT ad_id, filter_id, window_start, window_end, COUNT(*) AS clicks"
                + " FROM TABLE(TUMBLE(TABLE filtered_clicks, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))"
                + " GROUP BY ad_id, filter_id, window_start, window_end");

        DataStream<AdClickCount> counts = tables.toDataStream(
                        tables.sqlQuery("SELECT ad_id, filter_id, window_start, clicks FROM minute_counts"))
                .map(new ToAdClickCount(), new AvroTypeInfo<>(AdClickCount.class))
                .name("to-ad-click-count");
        DataStream<AdCountryCount> countryCounts = tables.toDataStream(tables.sqlQuery(
                        // The job counts clicks without a country under "", which the table's key accepts.
                        "SELECT ad_id, COALESCE(country, '') AS country, window_start, COUNT(*) AS clicks"
                                + " FROM TABLE(TUMBLE(TABLE unique_clicks, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))"
                                + " GROUP BY ad_id, COALESCE(country, ''), window_start, window_end"))
                .map(new ToAdCountryCount(), new AvroTypeInfo<>(AdCountryCount.class))
                .name("to-ad-country-count");
        DataStream<TopAds> topAds = tables.toDataStream(
                        tables.sqlQuery("SELECT filter_id, window_end, rn, ad_id, clicks FROM ("
                                + " SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, filter_id"
                                + "   ORDER BY clicks DESC, ad_id ASC) AS rn FROM minute_counts)"
                                + " WHERE rn <= " + settings.topN()))
                .keyBy(new TopListKey(), Types.TUPLE(Types.INT, Types.LONG))
                .process(new CollectTopList(), new AvroTypeInfo<>(TopAds.class))
                .uid("collect-top-list")
                .name("collect-top-list");

        // SQL window aggregations drop late rows without a trace, so there is no late stream to write.
        return new AdClickPipeline.Outputs(
                accepted,
                accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS),
                null,
                counts,
                countryCounts,
                topAds);
    }

    private static TypeInformation<Row> rowType() {
        return Types.ROW_NAMED(
                new String[] {"click_id", "ad_id", "click_ts", "user_id", "ip", "country"},
                Types.STRING,
                Types.STRING,
                Types.LONG,
                Types.STRING,
                Types.STRING,
                Types.STRING);
    }

    /** An accepted click as a row of the {@code clicks} table. */
    static final class ClickRow implements MapFunction<AdClickEvent, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Row map(AdClickEvent click) {
            return Row.of(
                    click.getClickId(),
                    click.getAdId(),
                    click.getClickTs(),
                    click.getUserId(),
                    click.getIp(),
                    click.getCountry());
        }
    }

    /** A row of {@code minute_counts} as the job's published count. */
    static final class ToAdClickCount implements MapFunction<Row, AdClickCount> {
        private static final long serialVersionUID = 1L;

        @Override
        public AdClickCount map(Row row) {
            return new AdClickCount(
                    row.<String>getFieldAs("ad_id"),
                    row.<Integer>getFieldAs("filter_id"),
                    SqlTables.epochMillis(row, "window_start"),
                    row.<Long>getFieldAs("clicks"));
        }
    }

    /** A per-country row as the job's published country count. */
    static final class ToAdCountryCount implements MapFunction<Row, AdCountryCount> {
        private static final long serialVersionUID = 1L;

        @Override
        public AdCountryCount map(Row row) {
            return new AdCountryCount(
                    row.<String>getFieldAs("ad_id"),
                    SqlTables.epochMillis(row, "window_start"),
                    row.<String>getFieldAs("country"),
                    row.<Long>getFieldAs("clicks"));
        }
    }

    /** A top-N row's list: its filter and window end. */
    static final class TopListKey implements KeySelector<Row, Tuple2<Integer, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<Integer, Long> getKey(Row row) {
            return Tuple2.of(row.<Integer>getFieldAs("filter_id"), SqlTables.epochMillis(row, "window_end"));
        }
    }

    /**
     * Gathers the ranked rows of one filter and minute into the job's {@link TopAds} record. Window
     * top N emits a window's rows when the watermark passes its end, before that watermark reaches
     * this operator, so a timer at the window's last millisecond fires once all of them are here.
     */
    static final class CollectTopList extends KeyedProcessFunction<Tuple2<Integer, Long>, Row, TopAds> {
        private static final long serialVersionUID = 1L;

        private transient MapState<Long, AdTotal> ranked;

        @Override
        public void open(OpenContext openContext) {
            ranked = getRuntimeContext()
                    .getMapState(new MapStateDescriptor<>("ranked", Types.LONG, TypeInformation.of(AdTotal.class)));
        }

        @Override
        public void processElement(Row row, Context ctx, Collector<TopAds> out) throws Exception {
            ranked.put(
                    row.<Long>getFieldAs("rn"),
                    new AdTotal(row.<String>getFieldAs("ad_id"), row.<Long>getFieldAs("clicks")));
            ctx.timerService().registerEventTimeTimer(ctx.getCurrentKey().f1 - 1);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopAds> out) throws Exception {
            TreeMap<Long, AdTotal> byRank = new TreeMap<>();
            for (Map.Entry<Long, AdTotal> entry : ranked.entries()) {
                byRank.put(entry.getKey(), entry.getValue());
            }
            ranked.clear();
            out.collect(MergeTopN.toTopAds(
                    ctx.getCurrentKey().f0, 1, ctx.getCurrentKey().f1, new ArrayList<>(byRank.values())));
        }
    }

    /** The ids of the filters a click matches, 0 included, with the DataStream job's own matcher. */
    @FunctionHint(output = @DataTypeHint("INT"))
    public static final class MatchingFilters extends TableFunction<Integer> {
        private static final long serialVersionUID = 1L;

        private final ClickFilters filters;
        private transient int[] matches;
        private transient AdClickEvent click;

        public MatchingFilters(ClickFilters filters) {
            this.filters = filters;
        }

        @Override
        public void open(FunctionContext context) {
            matches = filters.newMatchBuffer();
            click = new AdClickEvent();
        }

        public void eval(String country, String ip, String userId) {
            click.setCountry(country);
            click.setIp(ip);
            click.setUserId(userId);
            int n = filters.matchCount(click, matches);
            for (int i = 0; i < n; i++) {
                collect(matches[i]);
            }
        }
    }
}
