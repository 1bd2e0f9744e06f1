package dev.tally.jobs.salesrank;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.DeadLetterStreams;
import dev.tally.jobs.kit.NeverIdle;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.salesrank.functions.BestSellerCandidates;
import dev.tally.jobs.salesrank.functions.CategorySale;
import dev.tally.jobs.salesrank.functions.DeduplicatePurchases;
import dev.tally.jobs.salesrank.functions.HourlyPanes;
import dev.tally.jobs.salesrank.functions.LocalBestSellers;
import dev.tally.jobs.salesrank.functions.MergeBestSellers;
import dev.tally.jobs.salesrank.functions.ProductTotal;
import dev.tally.jobs.salesrank.functions.ToCategorySales;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.Purchase;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The sales-rank DAG, from decoded purchases to each category's best sellers per window. The live
 * job, the tests and the replay all call {@link #build}; only their sources and sinks differ.
 */
public final class SalesRankPipeline {

    private SalesRankPipeline() {}

    /** What the DAG computes; {@code inputTopic} names the source of conflicting copies' dead letters. */
    public record Settings(int topN, Duration dedupHorizon, String inputTopic) implements Serializable {}

    /** Every result stream of the DAG. */
    public record Outputs(
            DataStream<Purchase> accepted,
            DataStream<DeadLetter> deadLetters,
            DataStream<Purchase> late,
            DataStream<CategoryBestSellers> bestSellers) {}

    public static Outputs build(DataStream<Decoded<Purchase>> input, Settings settings) {
        SingleOutputStreamOperator<Purchase> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(Purchase.class))
                .uid("route-invalid-purchases")
                .name("route-invalid-purchases");

        SingleOutputStreamOperator<Purchase> unique = accepted.keyBy(Purchase::getTxId, Types.STRING)
                .transform(
                        "deduplicate-purchases",
                        new AvroTypeInfo<>(Purchase.class),
                        new NeverIdle.KeyedProcess<>(
                                new DeduplicatePurchases(settings.dedupHorizon(), settings.inputTopic())))
                .uid("deduplicate-purchases");

        SingleOutputStreamOperator<CategorySale> sales = unique.flatMap(
                        new ToCategorySales(), TypeInformation.of(CategorySale.class))
                .name("to-category-sales");

        SingleOutputStreamOperator<ProductTotal> totals = sales.keyBy(CategorySale::productKey, Types.STRING)
                .process(new HourlyPanes(), TypeInformation.of(ProductTotal.class))
                .uid("hourly-panes")
                .name("hourly-panes");

        // Two stages: each subtask's best N per category and window, then one merge per category.
        SingleOutputStreamOperator<BestSellerCandidates> candidates = totals.transform(
                        "local-best-sellers",
                        TypeInformation.of(BestSellerCandidates.class),
                        new LocalBestSellers(settings.topN()))
                .uid("local-best-sellers");

        SingleOutputStreamOperator<CategoryBestSellers> bestSellers = candidates
                .keyBy(c -> c.categoryId, Types.STRING)
                .process(new MergeBestSellers(settings.topN()), new AvroTypeInfo<>(CategoryBestSellers.class))
                .uid("merge-best-sellers")
                .name("merge-best-sellers");

        DataStream<DeadLetter> deadLetters = DeadLetterStreams.union(
                accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS),
                unique.getSideOutput(RouteInvalidRecords.DEAD_LETTERS));
        return new Outputs(accepted, deadLetters, unique.getSideOutput(DeduplicatePurchases.LATE), bestSellers);
    }
}
