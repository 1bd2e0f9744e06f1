package dev.tally.jobs.salesrank;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.jobs.kit.EventTime;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.schema.salesrank.Purchase;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The sales-rank job (System Design Primer: Amazon's sales rank by category): each category's best
 * sellers over the last 7 days, every hour, from Avro purchases deduplicated by tx_id, to Kafka
 * (exactly-once) and Cassandra (upserts). Its README states the rules; {@code --help} lists the
 * options.
 */
public final class SalesRankJob implements TallyJob<Purchase, SalesRankOptions, SalesRankPipeline.Outputs> {

    public static final String NAME = "sales-rank";

    public static void main(String[] args) throws Exception {
        JobRunner.run(new SalesRankJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Best sellers per category over the last 7 days, every hour, from purchases.";
    }

    @Override
    public SalesRankOptions newOptions() {
        return new SalesRankOptions();
    }

    @Override
    public Class<Purchase> inputType() {
        return Purchase.class;
    }

    @Override
    public RecordValidator<Purchase> validator(SalesRankOptions options) {
        return new PurchaseValidator(options.maxQty, options.maxEventAge, options.maxEventFuture);
    }

    @Override
    public EventTime<Purchase> eventTime() {
        return Purchase::getTs;
    }

    @Override
    public SalesRankPipeline.Outputs build(DataStream<Decoded<Purchase>> input, SalesRankOptions options) {
        return SalesRankPipeline.build(input, options.settings());
    }

    @Override
    public void attachSinks(SalesRankPipeline.Outputs results, SalesRankOptions options) {
        SalesRankSinks.attach(results, options);
    }

    @Override
    public void attachReplaySinks(
            SalesRankPipeline.Outputs results, SalesRankOptions options, CassandraConnection replayKeyspace) {
        SalesRankSinks.attachCassandra(results, replayKeyspace, CassandraSink.Batching.DEFAULT, options);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return SalesRankTables.ALL;
    }
}
