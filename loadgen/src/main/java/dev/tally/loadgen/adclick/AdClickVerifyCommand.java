package dev.tally.loadgen.adclick;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.AdClickVerifier;
import dev.tally.loadgen.GroundTruth;
import dev.tally.loadgen.kit.Endpoints;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally verify ad-clicks}: compare the job's Cassandra rows and Kafka output with a ground truth. */
@Command(
        name = "ad-clicks",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare Cassandra (ad_click_counts, ad_country_counts, top_ads, top_ads_latest) and the committed",
            "records of the counts and top-N topics with the ground truth written by 'tally loadgen ad-clicks",
            "--truth'. Prints matched / missing / extra / wrong per output; exit 0 only on an exact match."
        })
public final class AdClickVerifyCommand implements Callable<Integer> {
    @Option(names = "--truth", required = true, description = "Ground truth file.")
    Path truthFile;

    @Option(
            names = "--input-topic",
            description = "The job's input topic; its .late and .dlq are read too (default: ${DEFAULT-VALUE}).")
    String inputTopic = Topics.AD_CLICKS;

    @Option(names = "--counts-topic", description = "(default: ${DEFAULT-VALUE})")
    String countsTopic = Topics.AD_CLICK_COUNTS;

    @Option(names = "--top-topic", description = "(default: ${DEFAULT-VALUE})")
    String topTopic = Topics.AD_TOP_ADS;

    @Option(names = "--keyspace", description = "(default: ${DEFAULT-VALUE})")
    String keyspace = "tally";

    @Option(names = "--top-n", description = "The job's top N (default: ${DEFAULT-VALUE}).")
    int topN = 100;

    @Option(names = "--windows", split = ",", description = "The job's window sizes in minutes (default: 1,5,60).")
    int[] windows = {1, 5, 60};

    @Mixin
    Endpoints endpoints = new Endpoints();

    @Override
    public Integer call() throws Exception {
        return run(endpoints, truthFile, inputTopic, countsTopic, topTopic, keyspace, windows, topN);
    }

    /** Prints the comparison; 0 on an exact match, 1 otherwise. */
    public static int run(
            Endpoints endpoints,
            Path truthFile,
            String input,
            String counts,
            String top,
            String keyspace,
            int[] windows,
            int topN)
            throws Exception {
        GroundTruth truth = GroundTruth.read(truthFile);
        try (CqlSession session = endpoints.cassandraSession("tally-verify")) {
            AdClickVerifier.Report report = AdClickVerifier.verify(
                    truth,
                    new AdClickVerifier.Target(endpoints.kafka(), input, counts, top, session, keyspace),
                    windows,
                    topN);
            report.print(System.out);
            return report.exact() ? 0 : 1;
        }
    }
}
