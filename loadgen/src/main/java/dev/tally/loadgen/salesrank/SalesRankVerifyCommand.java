package dev.tally.loadgen.salesrank;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.Endpoints;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally verify sales-rank}: compare the job's Cassandra rows and Kafka output with a ground truth. */
@Command(
        name = "sales-rank",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare Cassandra (sales_rank), the committed lists of the sales-rank topic, the dead letters and the",
            "records of the late topic with the lists computed from the ground truth written by 'tally loadgen",
            "sales-rank --truth'. Prints matched / missing / extra / wrong per output; exit 0 only on an exact match."
        })
public final class SalesRankVerifyCommand implements Callable<Integer> {
    @Option(names = "--truth", required = true, description = "Ground truth file.")
    Path truthFile;

    @Option(
            names = "--input-topic",
            description = "The job's input topic; its .late and .dlq are read too (default: ${DEFAULT-VALUE}).")
    String inputTopic = Topics.PURCHASES;

    @Option(names = "--sales-rank-topic", description = "(default: ${DEFAULT-VALUE})")
    String salesRankTopic = Topics.SALES_RANK;

    @Option(names = "--keyspace", description = "(default: ${DEFAULT-VALUE})")
    String keyspace = "tally";

    @Option(names = "--top-n", description = "The job's --top-n (default: the one the truth was written with).")
    Integer topN;

    @Mixin
    Endpoints endpoints = new Endpoints();

    @Override
    public Integer call() throws Exception {
        return run(endpoints, truthFile, inputTopic, salesRankTopic, keyspace, topN);
    }

    /** Prints the comparison; 0 on an exact match, 1 otherwise. {@code topN} null: the truth's. */
    public static int run(
            Endpoints endpoints, Path truthFile, String input, String salesRank, String keyspace, Integer topN)
            throws Exception {
        ExpectedSalesRank truth = ExpectedSalesRank.read(truthFile);
        if (topN != null) {
            truth = truth.withTopN(topN);
        }
        try (CqlSession session = endpoints.cassandraSession("tally-verify")) {
            SalesRankVerifier.Report report = SalesRankVerifier.verify(
                    truth, new SalesRankVerifier.Target(endpoints.kafka(), input, salesRank, session, keyspace));
            report.print(System.out);
            return report.exact() ? 0 : 1;
        }
    }
}
