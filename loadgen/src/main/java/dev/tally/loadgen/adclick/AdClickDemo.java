package dev.tally.loadgen.adclick;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.JobDemo;
import dev.tally.stack.CassandraService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The ad-click demo: clicks with duplicates, late and malformed records, three filters, windows 1, 5, 60. */
public final class AdClickDemo implements JobDemo {

    /** The demo's filters; the benchmarks use them too, so their figures describe the demo's job. */
    public static final String FILTERS = """
            # Filter 0 (all clicks) is implicit. Each filter is a conjunction of glob conditions; '!' negates.
            filters:
              - id: 1
                name: us
                country: US
              - id: 2
                name: non-us
                country: "!US"
              - id: 3
                name: office-ips
                ip: "123.1.2.*"
            """;

    private static final int[] WINDOWS = {1, 5, 60};
    private static final int TOP_N = 100;

    @Override
    public long defaultEvents() {
        return 500_000;
    }

    @Override
    public Map<String, Integer> topics(Run run) {
        String input = input(run);
        return Map.of(input, 4, Topics.deadLetter(input), 1, Topics.late(input), 1, counts(run), 4, top(run), 4);
    }

    @Override
    public void generate(Run run) throws Exception {
        Files.writeString(filters(run), FILTERS);
        AdClickLoadgenCommand loadgen = AdClickLoadgenCommand.of(run.endpoints(), input(run), run.events());
        loadgen.filters = filters(run);
        loadgen.truthFile = truth(run);
        loadgen.call();
    }

    @Override
    public List<String> jobArguments(Run run) {
        return List.of(
                "--input-topic", input(run),
                "--counts-topic", counts(run),
                "--top-topic", top(run),
                "--filters", filters(run).toString(),
                "--cassandra-batch-rows", Integer.toString(CassandraService.UNLOGGED_BATCH_PARTITIONS));
    }

    @Override
    public int verify(Run run, URI dashboard) throws Exception {
        return AdClickVerifyCommand.run(
                run.endpoints(), truth(run), input(run), counts(run), top(run), run.keyspace(), WINDOWS, TOP_N);
    }

    @Override
    public List<String> dashboardArguments(Run run) {
        return List.of("--filters", filters(run).toAbsolutePath().toString());
    }

    @Override
    public List<String> whereToLook(Run run) {
        return List.of(
                "Cassandra tables: ad_click_counts, ad_country_counts, top_ads, top_ads_latest",
                "Kafka topics:     " + counts(run) + ", " + top(run) + ", " + Topics.deadLetter(input(run)) + ", "
                        + Topics.late(input(run)),
                "Ground truth:     " + truth(run));
    }

    private static String input(Run run) {
        return run.topic(Topics.AD_CLICKS);
    }

    private static String counts(Run run) {
        return run.topic(Topics.AD_CLICK_COUNTS);
    }

    private static String top(Run run) {
        return run.topic(Topics.AD_TOP_ADS);
    }

    private static Path filters(Run run) {
        return run.dir().resolve("filters.yaml");
    }

    private static Path truth(Run run) {
        return run.dir().resolve("truth.tsv");
    }
}
