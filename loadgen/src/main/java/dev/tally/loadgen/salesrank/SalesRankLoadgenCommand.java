package dev.tally.loadgen.salesrank;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.kit.Endpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally loadgen sales-rank}: realistic purchases with injected faults, and their exact ground truth. */
@Command(
        name = "sales-rank",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write Avro purchases to Kafka, keyed by tx_id: products of Zipf-skewed popularity in 1 to 3 categories",
            "each, a little disorder, and injected re-sends, conflicting copies (a recent tx_id with another qty),",
            "purchases far behind the front (late) and malformed records. With --truth, also write what the expected",
            "lists of 'tally verify sales-rank' are computed from."
        })
public final class SalesRankLoadgenCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, description = "Records to write, faults included.")
    long events;

    @Option(
            names = "--rate",
            description = "Records per second of wall time; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--event-rate", description = "Purchases per second of event time (default: ${DEFAULT-VALUE}).")
    long eventRate = 5;

    @Option(
            names = "--start",
            description =
                    "Event time of the first purchase, ISO-8601 (default: now minus the span the records cover minus a minute).")
    Instant start;

    @Option(names = "--products", description = "Distinct products (default: ${DEFAULT-VALUE}).")
    int products = 5_000;

    @Option(names = "--categories", description = "Distinct categories (default: ${DEFAULT-VALUE}).")
    int categories = 20;

    @Option(names = "--zipf", description = "Zipf exponent of product popularity (default: ${DEFAULT-VALUE}).")
    double zipf = 1.0;

    @Option(
            names = "--disorder",
            description = "Maximum distance of a purchase's ts behind the stream front (default: ${DEFAULT-VALUE}).")
    Duration disorder = Duration.ofSeconds(2);

    @Option(
            names = "--duplicates",
            description = "Share of records that re-send a recent purchase (default: ${DEFAULT-VALUE}).")
    double duplicates = 0.01;

    @Option(
            names = "--conflicts",
            description = "Share of records that re-use a recent tx_id with another qty (default: ${DEFAULT-VALUE}).")
    double conflicts = 0.002;

    @Option(
            names = "--late",
            description = "Share of records that are purchases --late-by behind the front (default: ${DEFAULT-VALUE}).")
    double late = 0.002;

    @Option(
            names = "--late-by",
            description =
                    "How far behind late purchases are; more than an hour plus the job's watermark delay and any skew of its partitions (default: ${DEFAULT-VALUE}).")
    Duration lateBy = Duration.ofHours(3);

    @Option(names = "--malformed", description = "Share of malformed records (default: ${DEFAULT-VALUE}).")
    double malformed = 0.001;

    @Option(
            names = "--seed",
            description = "Random seed; the same seed and --start give the same records (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--topic", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic = Topics.PURCHASES;

    @Option(names = "--top-n", description = "The job's --top-n, for the expected lists (default: ${DEFAULT-VALUE}).")
    int topN = 10;

    @Mixin
    Endpoints endpoints;

    @Option(
            names = "--truth",
            description =
                    "Where to write the ground truth. Without it only the totals are kept, so a run of any length fits in memory.")
    Path truthFile;

    /** For callers in code (the demo, the bench): these endpoints, topic and records, the other options at their defaults. */
    public static SalesRankLoadgenCommand of(Endpoints endpoints, String topic, long events) {
        SalesRankLoadgenCommand command = new SalesRankLoadgenCommand();
        command.endpoints = endpoints;
        command.topic = topic;
        command.events = events;
        return command;
    }

    /** {@code products} in {@code categories}, with {@code purchasesPerSecond} of event time. */
    public SalesRankLoadgenCommand catalogue(int products, int categories, long purchasesPerSecond) {
        this.products = products;
        this.categories = categories;
        this.eventRate = purchasesPerSecond;
        return this;
    }

    /** No faults: every record a new, valid, on-time purchase (what a yardstick without dedup computes alike). */
    public SalesRankLoadgenCommand withoutFaults() {
        this.duplicates = 0;
        this.conflicts = 0;
        this.late = 0;
        this.malformed = 0;
        return this;
    }

    @Override
    public Integer call() throws IOException {
        if (topN < 1) {
            throw new IllegalArgumentException("--top-n must be at least 1, was " + topN);
        }
        // Only new purchases advance event time.
        double purchaseRecords = 1 - duplicates - conflicts - late - malformed;
        long first = start != null
                ? start.toEpochMilli()
                : System.currentTimeMillis() - (long) (events * purchaseRecords * 1000 / eventRate) - 60_000;
        SalesRankSettings settings = new SalesRankSettings(
                seed,
                events,
                products,
                categories,
                zipf,
                eventRate,
                first,
                disorder,
                duplicates,
                conflicts,
                late,
                lateBy,
                malformed);
        SalesRankTruth truth = truthFile == null ? SalesRankTruth.totalsOnly() : new SalesRankTruth();
        Supplier<Iterator<GeneratedRecord>> records = () -> new SalesRankGenerator(settings, truth);
        long begin = System.nanoTime();
        long sent = LoadProducer.produce(
                endpoints.kafka(),
                topic,
                records,
                rate,
                n -> System.out.printf("  %,d records (%.0f%%)%n", n, 100.0 * n / events));
        double seconds = (System.nanoTime() - begin) / 1e9;
        ExpectedSalesRank.Totals t = truth.totals();
        System.out.printf(
                "Wrote %,d records to %s in %.1f s (%,.0f/s): %,d purchases, %,d duplicates, %,d conflicting copies,"
                        + " %,d late, %,d malformed.%n",
                sent,
                topic,
                seconds,
                sent / seconds,
                t.purchases(),
                t.duplicates(),
                t.conflicts(),
                t.late(),
                t.malformed());
        if (truthFile != null) {
            truth.expected(topN).write(truthFile);
            System.out.println("Ground truth: " + truthFile);
        }
        return 0;
    }
}
