package dev.tally.loadgen.salesrank;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.kit.JobDemo;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The sales-rank demo: purchases over about half a day of event time (so that late purchases, three
 * hours behind, are in it), with re-sends, conflicting copies, late and malformed records; the job's
 * default top 10. The bounded job ends with the watermark at its maximum, so every window that holds a
 * purchase, up to a week after the last, is emitted.
 */
public final class SalesRankDemo implements JobDemo {

    private static final int TOP_N = 10;

    @Override
    public long defaultEvents() {
        return 200_000;
    }

    @Override
    public Map<String, Integer> topics(Run run) {
        String input = input(run);
        return Map.of(input, 4, Topics.deadLetter(input), 1, Topics.late(input), 1, salesRank(run), 4);
    }

    @Override
    public void generate(Run run) throws Exception {
        SalesRankLoadgenCommand loadgen = SalesRankLoadgenCommand.of(run.endpoints(), input(run), run.events());
        loadgen.topN = TOP_N;
        loadgen.truthFile = truth(run);
        loadgen.call();
    }

    @Override
    public List<String> jobArguments(Run run) {
        return List.of("--input-topic", input(run), "--sales-rank-topic", salesRank(run), "--top-n", "" + TOP_N);
    }

    @Override
    public int verify(Run run, URI dashboard) throws Exception {
        return SalesRankVerifyCommand.run(
                run.endpoints(), truth(run), input(run), salesRank(run), run.keyspace(), TOP_N);
    }

    @Override
    public List<String> dashboardArguments(Run run) {
        return List.of();
    }

    @Override
    public List<String> whereToLook(Run run) {
        return List.of(
                "Cassandra table:  sales_rank",
                "Kafka topics:     " + salesRank(run) + ", " + Topics.deadLetter(input(run)) + ", "
                        + Topics.late(input(run)),
                "Ground truth:     " + truth(run));
    }

    private static String input(Run run) {
        return run.topic(Topics.PURCHASES);
    }

    private static String salesRank(Run run) {
        return run.topic(Topics.SALES_RANK);
    }

    private static Path truth(Run run) {
        return run.dir().resolve("truth.tsv");
    }
}
