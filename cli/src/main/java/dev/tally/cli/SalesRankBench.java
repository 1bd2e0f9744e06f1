package dev.tally.cli;

import dev.tally.loadgen.salesrank.SalesRankLoadgenCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "sales-rank",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Preload --events generated purchases into a fresh topic, then on the same data and cluster measure:",
            "the raw Kafka consume rate (the ceiling); the sales-rank job as deployed (RocksDB, dedup by tx_id,",
            "168 hourly panes per product, two-stage top N, exactly-once Kafka, Cassandra, archive) and with its",
            "results discarded; the same lists in Flink SQL (HOP windows, window Top-N; no dedup or late stream, so",
            "it does less), with the same sinks and with results discarded. Prints a table and writes it into",
            "BENCHMARKS.md."
        })
final class SalesRankBench implements Callable<Integer> {
    private static final String JOB_ALL_SINKS = "job as deployed, all sinks";
    private static final String JOB_DISCARDED = "job, results discarded";
    private static final String SQL_ALL_SINKS = "Flink SQL (HOP + window Top-N), the same sinks";
    private static final String SQL_DISCARDED = "Flink SQL (HOP + window Top-N), results discarded";
    private static final List<String> RESULT_TOPICS = List.of("--sales-rank-topic");

    @Option(names = "--events", required = true, description = "Purchases to preload.")
    long events;

    @Option(names = "--products", description = "Distinct products (default: ${DEFAULT-VALUE}).")
    int products = 100_000;

    @Option(names = "--categories", description = "Categories; each product is in 1 to 3 (default: ${DEFAULT-VALUE}).")
    int categories = 1_000;

    @Option(names = "--event-rate", description = "Purchases per second of event time (default: ${DEFAULT-VALUE}).")
    long eventRate = 200;

    @Mixin
    BenchRunOptions run;

    @Override
    public Integer call() throws Exception {
        return BenchSession.run(run.keepData, this::measure);
    }

    private int measure(BenchSession session) throws Exception {
        String input = session.createInput("bench-purchases-" + session.run);
        // No faults: SQL counts every copy and drops what is behind its watermark without a trace, so
        // only on clean input do the two compute the same lists.
        double produceRate = session.preload(
                input,
                events,
                SalesRankLoadgenCommand.of(session.endpoints(), input, events)
                        .catalogue(products, categories, eventRate)
                        .withoutFaults());

        List<BenchCommand.Result> results = new ArrayList<>();
        results.add(session.rawConsume(input));
        results.add(session.runJob("sales-rank", "", JOB_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
        results.add(session.runJob("sales-rank", "", JOB_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
        if (!run.skipSql) {
            results.add(session.runJob(
                    "sales-rank-sql", "", SQL_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
            results.add(
                    session.runJob("sales-rank-sql", "", SQL_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
        }

        StringBuilder out = new StringBuilder();
        out.append("Command: `./tally bench sales-rank --events ")
                .append(events)
                .append(" --products ")
                .append(products)
                .append(" --categories ")
                .append(categories)
                .append(" --event-rate ")
                .append(eventRate)
                .append(run.skipSql ? " --skip-sql" : "")
                .append("`  \n");
        out.append(BenchCommand.runLine());
        out.append(String.format(
                Locale.ROOT,
                "Data: %,d purchases of %,d Zipf-popular products in 1 to 3 of %,d categories, %,d a second of event"
                        + " time (about %.1f hours, so every (category, product) emits the 168 windows after each hour"
                        + " it sold in), no faults; preloaded at %,.0f records/s.%n%n",
                events,
                products,
                categories,
                eventRate,
                events / (double) eventRate / 3600,
                produceRate));
        out.append(BenchCommand.throughputTable(results));
        out.append(BenchCommand.sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
        session.publish(run.report, "bench sales-rank", out.toString());
        return 0;
    }
}
