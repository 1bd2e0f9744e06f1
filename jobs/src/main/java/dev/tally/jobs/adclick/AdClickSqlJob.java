package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.schema.adclick.AdClickEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The ad-click aggregation written in Flink SQL, the yardstick of {@code tally bench ad-clicks}: the
 * same decoded and validated Kafka input as {@link AdClickJob}, deduplication with ROW_NUMBER,
 * tumbling 1-minute counts per ad and filter (and per ad and country), and the top N per minute and
 * filter with ROW_NUMBER. Filters are matched by the job's own {@link ClickFilters} as a table
 * function, so both versions count the same clicks. Results go to blackhole tables: this measures
 * what the SQL engine computes, without the cost of writing it.
 */
public final class AdClickSqlJob {

    private AdClickSqlJob() {}

    public static void main(String[] args) throws Exception {
        AdClickOptions options = AdClickOptions.parse(args);
        if (options == null) {
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().setGlobalJobParameters(Configuration.fromMap(options.toMap()));
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("pipeline.name", options.jobName);
        // The same horizon as the DataStream job's dedup; SQL state TTL counts processing time.
        tables.getConfig().set("table.exec.state.ttl", options.dedupHorizon.toMillis() + " ms");
        // Mini-batches are how Flink SQL is meant to be run for throughput.
        tables.getConfig().set("table.exec.mini-batch.enabled", "true");
        tables.getConfig().set("table.exec.mini-batch.allow-latency", "1 s");
        tables.getConfig().set("table.exec.mini-batch.size", "5000");

        DataStream<Row> clicks =
                env.fromSource(AdClickJob.kafkaSource(options), AdClickJob.watermarks(options), "kafka: " + options.inputTopic)
                        .uid("ad-clicks-source")
                        .flatMap(new AcceptedRows(), rowType())
                        .name("accepted-rows");
        tables.createTemporaryView(
                "clicks",
                tables.fromDataStream(
                        clicks,
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .columnByExpression("proctime", "PROCTIME()")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));
        tables.createTemporarySystemFunction("MATCHING_FILTERS", new MatchingFilters(options.settings().filters()));

        tables.executeSql(
                "CREATE TEMPORARY VIEW unique_clicks AS SELECT click_id, ad_id, country, ip, user_id, rowtime FROM ("
                        + " SELECT *, ROW_NUMBER() OVER (PARTITION BY click_id ORDER BY proctime ASC) AS rn FROM clicks)"
                        + " WHERE rn = 1");
        tables.executeSql(
                "CREATE TEMPORARY VIEW filtered_clicks AS SELECT u.ad_id, f.filter_id, u.rowtime FROM unique_clicks AS u,"
                        + " LATERAL TABLE(MATCHING_FILTERS(u.country, u.ip, u.user_id)) AS f(filter_id)");
        tables.executeSql(
                "CREATE TEMPORARY VIEW minute_counts AS"
                        + " SELECT ad_id, filter_id, window_start, window_end, COUNT(*) AS clicks"
                        + " FROM TABLE(TUMBLE(TABLE filtered_clicks, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))"
                        + " GROUP BY ad_id, filter_id, window_start, window_end");
        tables.executeSql(
                "CREATE TEMPORARY TABLE counts_sink (ad_id STRING, filter_id INT, window_start TIMESTAMP(3), clicks BIGINT)"
                        + " WITH ('connector' = 'blackhole')");
        tables.executeSql(
                "CREATE TEMPORARY TABLE country_counts_sink (ad_id STRING, country STRING, window_start TIMESTAMP(3), clicks BIGINT)"
                        + " WITH ('connector' = 'blackhole')");
        tables.executeSql(
                "CREATE TEMPORARY TABLE top_sink (filter_id INT, window_start TIMESTAMP(3), rank_no BIGINT, ad_id STRING, clicks BIGINT)"
                        + " WITH ('connector' = 'blackhole')");

        StatementSet statements = tables.createStatementSet();
        statements.addInsertSql(
                "INSERT INTO counts_sink SELECT ad_id, filter_id, window_start, clicks FROM minute_counts");
        statements.addInsertSql(
                "INSERT INTO country_counts_sink SELECT ad_id, country, window_start, COUNT(*) FROM TABLE(TUMBLE("
                        + " TABLE unique_clicks, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))"
                        + " GROUP BY ad_id, country, window_start, window_end");
        statements.addInsertSql(
                "INSERT INTO top_sink SELECT filter_id, window_start, rn, ad_id, clicks FROM ("
                        + " SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, filter_id"
                        + "   ORDER BY clicks DESC, ad_id ASC) AS rn FROM minute_counts)"
                        + " WHERE rn <= " + options.topN);
        statements.execute();
    }

    private static TypeInformation<Row> rowType() {
        return Types.ROW_NAMED(
                new String[] {"click_id", "ad_id", "click_ts", "user_id", "ip", "country"},
                Types.STRING, Types.STRING, Types.LONG, Types.STRING, Types.STRING, Types.STRING);
    }

    /** Accepted clicks as rows; rejected records are the DataStream job's dead letters, not counted. */
    static final class AcceptedRows implements FlatMapFunction<Decoded<AdClickEvent>, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Decoded<AdClickEvent> record, Collector<Row> out) {
            if (record.isAccepted()) {
                AdClickEvent click = record.value;
                out.collect(Row.of(click.getClickId(), click.getAdId(), click.getClickTs(), click.getUserId(), click.getIp(), click.getCountry()));
            }
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
