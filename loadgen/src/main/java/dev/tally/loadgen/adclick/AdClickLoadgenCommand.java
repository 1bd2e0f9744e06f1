package dev.tally.loadgen.adclick;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.AdClickGenerator;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.GeneratorSettings;
import dev.tally.loadgen.GroundTruth;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.loadgen.reference.ReferenceFilters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./tally loadgen ad-clicks}: realistic clicks with injected faults, and their exact ground truth. */
@Command(
        name = "ad-clicks",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write Avro clicks to Kafka: Zipf-skewed ad popularity, weighted countries, users and IPs,",
            "bounded disorder, and injected duplicates (same click_id), late clicks and malformed records.",
            "With --truth, also write the exact expected counts for 'tally verify ad-clicks'."
        })
public final class AdClickLoadgenCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, description = "Records to write, faults included.")
    long events;

    @Option(
            names = "--rate",
            description = "Records per second of wall time; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--event-rate", description = "Clicks per second of event time (default: ${DEFAULT-VALUE}).")
    long eventRate = 2_000;

    @Option(
            names = "--start",
            description = "Event time of the first click, ISO-8601 (default: now minus the span the events cover).")
    Instant start;

    @Option(
            names = "--live",
            description =
                    "Event time follows the wall clock: the first click's is the moment it is sent (for latency runs, with --rate equal to --event-rate).")
    boolean live;

    @Option(names = "--ads", description = "Distinct ads (default: ${DEFAULT-VALUE}).")
    int ads = 2_000_000;

    @Option(names = "--zipf", description = "Zipf exponent of ad popularity (default: ${DEFAULT-VALUE}).")
    double zipf = 1.1;

    @Option(names = "--users", description = "Distinct users (default: ${DEFAULT-VALUE}).")
    int users = 1_000_000;

    @Option(
            names = "--disorder",
            description = "Maximum out-of-orderness of normal clicks (default: ${DEFAULT-VALUE}).")
    Duration disorder = Duration.ofSeconds(5);

    @Option(
            names = "--duplicates",
            description = "Share of records that re-send a recent click (default: ${DEFAULT-VALUE}).")
    double duplicates = 0.01;

    @Option(
            names = "--late",
            description = "Share of records that are clicks far behind the stream (default: ${DEFAULT-VALUE}).")
    double late = 0.001;

    @Option(names = "--late-by", description = "How far behind late clicks are (default: ${DEFAULT-VALUE}).")
    Duration lateBy = Duration.ofMinutes(3);

    @Option(names = "--malformed", description = "Share of malformed records (default: ${DEFAULT-VALUE}).")
    double malformed = 0.001;

    @Option(
            names = "--seed",
            description = "Random seed; the same seed gives the same records (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--topic", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic = Topics.AD_CLICKS;

    @Mixin
    Endpoints endpoints;

    @Option(names = "--filters", description = "Filters YAML, the job's, for the ground truth.")
    Path filters;

    @Option(
            names = "--truth",
            description =
                    "Where to write the ground truth. Without it only the totals are kept, so a run of any length fits in memory.")
    Path truthFile;

    @Spec
    CommandSpec spec;

    /** For callers in code (the demo, the bench): these endpoints, topic and records, the other options at their defaults. */
    public static AdClickLoadgenCommand of(Endpoints endpoints, String topic, long events) {
        AdClickLoadgenCommand command = new AdClickLoadgenCommand();
        command.endpoints = endpoints;
        command.topic = topic;
        command.events = events;
        return command;
    }

    /** Clicks per second of event time. */
    public AdClickLoadgenCommand eventRate(long clicksPerSecond) {
        this.eventRate = clicksPerSecond;
        return this;
    }

    /** Sent at {@code recordsPerSecond} with event time following the wall clock (latency runs). */
    public AdClickLoadgenCommand live(long recordsPerSecond) {
        this.live = true;
        this.rate = recordsPerSecond;
        this.eventRate = recordsPerSecond;
        return this;
    }

    /** No clicks far behind the stream. */
    public AdClickLoadgenCommand withoutLateClicks() {
        this.late = 0;
        return this;
    }

    @Override
    public Integer call() {
        if (live && start != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--live and --start exclude each other");
        }
        // Without --truth nobody reads the keyed counts, and kept they would fill the heap in an hour at 50,000/s.
        GroundTruth truth = truthFile == null
                ? GroundTruth.totalsOnly()
                : new GroundTruth(filters == null ? ReferenceFilters.allOnly() : ReferenceFilters.load(filters));
        // Live: event time starts only once the producer is connected and about to send, so
        // start-up is not counted as latency by whoever measures the results.
        LongSupplier first = live
                ? System::currentTimeMillis
                : () -> start != null
                        ? start.toEpochMilli()
                        : System.currentTimeMillis() - events * 1000 / eventRate - 60_000;
        Supplier<Iterator<GeneratedRecord>> records = () -> new AdClickGenerator(
                new GeneratorSettings(
                        seed,
                        events,
                        ads,
                        zipf,
                        users,
                        eventRate,
                        first.getAsLong(),
                        disorder,
                        duplicates,
                        late,
                        lateBy,
                        malformed),
                truth);
        long begin = System.nanoTime();
        long sent = LoadProducer.produce(
                endpoints.kafka(),
                topic,
                records,
                rate,
                n -> System.out.printf("  %,d records (%.0f%%)%n", n, 100.0 * n / events));
        double seconds = (System.nanoTime() - begin) / 1e9;
        System.out.printf(
                "Wrote %,d records to %s in %.1f s (%,.0f/s): %,d unique clicks (%,d injected late), %,d duplicates, %,d malformed.%n",
                sent,
                topic,
                seconds,
                sent / seconds,
                truth.clicks(),
                truth.lateClicks(),
                truth.duplicates(),
                truth.malformed());
        if (truthFile != null) {
            truth.write(truthFile);
            System.out.println("Ground truth: " + truthFile);
        }
        return 0;
    }
}
