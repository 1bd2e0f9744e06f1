package dev.tally.jobs.salesrank;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.SqlYardstick;
import dev.tally.schema.salesrank.Purchase;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The sales rank in Flink SQL ({@link SalesRankSqlQuery} says what it computes and what not). */
public final class SalesRankSqlJob extends SqlYardstick<Purchase, SalesRankOptions, SalesRankPipeline.Outputs> {

    public SalesRankSqlJob() {
        super(
                new SalesRankJob(),
                "The sales rank in Flink SQL (HOP windows of 7 days sliding by the hour, window Top-N; no dedup,"
                        + " conflicts, late stream or competition ranks), the yardstick of ./tally bench sales-rank.");
    }

    public static void main(String[] args) throws Exception {
        JobRunner.run(new SalesRankSqlJob(), args);
    }

    @Override
    public SalesRankPipeline.Outputs build(DataStream<Decoded<Purchase>> input, SalesRankOptions options) {
        return SalesRankSqlQuery.build(input, options);
    }
}
