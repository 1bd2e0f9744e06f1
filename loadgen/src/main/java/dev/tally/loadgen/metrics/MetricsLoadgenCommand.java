package dev.tally.loadgen.metrics;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.loadgen.metrics.reference.SeriesKey;
import dev.tally.schema.metrics.MetricPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally loadgen metrics}: realistic metric points with injected faults, and their exact ground truth. */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write Avro metric points to Kafka: pools x hosts x metrics series (gauges and counters) sampled every",
            "--interval, a little disorder, and injected duplicates, conflicting values, delayed points within the job's",
            "allowed lateness, late candidates far beyond it, counter restarts, silent hosts, undecodable records and",
            "points the job must reject; then one closing point per partition that carries the job's event time past",
            "every bucket. With --truth, also write the exact expected rollups for 'tally verify metrics'."
        })
public final class MetricsLoadgenCommand implements Callable<Integer> {
    @Option(
            names = "--events",
            description = "Records to write, faults and closing points included (required unless --line-protocol).")
    long events;

    @Option(
            names = "--line-protocol",
            description =
                    "Send the points of this file in the books' line protocol instead of generating any ('-': standard"
                            + " input), one a line: 'name tag=value,... epoch-seconds value', e.g. 'cpu.load"
                            + " host=web01,region=us-west 1613707265 0.5'. The whole input is checked before anything is sent.")
    String lineProtocol;

    @Option(
            names = "--rate",
            description = "Records per second of wall time; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(
            names = "--start",
            description =
                    "Event time of the first interval, ISO-8601, within the job's retention (default: so that the closing points' event time is about now).")
    Instant start;

    @Option(names = "--pools", description = "Pools of hosts (default: ${DEFAULT-VALUE}).")
    int pools = 3;

    @Option(names = "--hosts", description = "Hosts per pool (default: ${DEFAULT-VALUE}).")
    int hosts = 8;

    @Option(
            names = "--metrics",
            description = "Series per host; two cluster series without labels come on top (default: ${DEFAULT-VALUE}).")
    int metrics = 12;

    @Option(
            names = "--interval",
            description = "Event time between two samples of a series (default: ${DEFAULT-VALUE}).")
    Duration interval = Duration.ofSeconds(10);

    @Option(
            names = "--disorder",
            description = "How long after its ts a point may be sent (default: ${DEFAULT-VALUE}).")
    Duration disorder = Duration.ofSeconds(3);

    @Option(names = "--allowed-lateness", description = "The job's --allowed-lateness (default: ${DEFAULT-VALUE}).")
    Duration allowedLateness = Duration.ofMinutes(5);

    @Option(names = "--duplicates", description = "Rate of samples re-sent exactly (default: ${DEFAULT-VALUE}).")
    double duplicates = 0.01;

    @Option(
            names = "--conflicts",
            description = "Rate of samples that get another value for the same ts (default: ${DEFAULT-VALUE}).")
    double conflicts = 0.005;

    @Option(
            names = "--delayed",
            description = "Rate of samples sent 1 to 3 minutes late, within the lateness (default: ${DEFAULT-VALUE}).")
    double delayed = 0.01;

    @Option(
            names = "--late",
            description = "Rate of samples held back beyond the lateness: late candidates (default: ${DEFAULT-VALUE}).")
    double late = 0.002;

    @Option(names = "--malformed", description = "Rate of undecodable records (default: ${DEFAULT-VALUE}).")
    double malformed = 0.001;

    @Option(
            names = "--invalid",
            description =
                    "Rate of points the job must reject: NaN, too many labels, bad names, ... (default: ${DEFAULT-VALUE}).")
    double invalid = 0.002;

    @Option(
            names = "--resets",
            description = "Rate of counter samples that restart from a small value (default: ${DEFAULT-VALUE}).")
    double resets = 0.002;

    @Option(
            names = "--silences",
            description = "Silences of 2 to 6 minutes per host and hour of event time (default: ${DEFAULT-VALUE}).")
    double silences = 0.2;

    @Option(
            names = "--max-series-per-name",
            description =
                    "The job's --max-series-per-name, which the ground truth applies (default: ${DEFAULT-VALUE}).")
    public int maxSeriesPerName = 20_000;

    @Option(
            names = "--flood",
            description = "The cardinality flood: new series of " + MetricsSettings.FLOOD_METRIC
                    + " an interval, each sending two samples (default: ${DEFAULT-VALUE}: none).")
    public int flood;

    @Option(
            names = "--alert-episodes",
            description =
                    "Add scripted series that take the rules of --alert-rules-out through every alert state, sent on time.")
    boolean alertEpisodes;

    @Option(
            names = "--alert-rules-out",
            description =
                    "Where to write the alert rules the episodes are made for, to pass to the job's --alert-rules.")
    Path alertRulesFile;

    @Option(
            names = "--seed",
            description = "Random seed; the same seed and --start give the same records (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--topic", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic = Topics.METRICS;

    @Mixin
    Endpoints endpoints;

    @Option(
            names = "--truth",
            description =
                    "Where to write the ground truth. Without it only the totals are kept, so a run of any length fits in memory.")
    Path truthFile;

    /** Fed live: see {@link #live}. */
    private boolean live;

    /** For callers in code (the demo, the bench): these endpoints, topic and records, the other options at their defaults. */
    public static MetricsLoadgenCommand of(Endpoints endpoints, String topic, long events) {
        MetricsLoadgenCommand command = new MetricsLoadgenCommand();
        command.endpoints = endpoints;
        command.topic = topic;
        command.events = events;
        return command;
    }

    /** The fleet: pools x hosts x metrics series, each sampled every {@code interval}. */
    public MetricsLoadgenCommand fleet(int pools, int hosts, int metrics, Duration interval) {
        this.pools = pools;
        this.hosts = hosts;
        this.metrics = metrics;
        this.interval = interval;
        return this;
    }

    /**
     * A live feed: each record sent when the wall clock reaches its send time, event time starting when
     * {@link #call} does; the fleet's shape sets the rate (series / interval, the faults' share on top).
     * No closing points: the last minutes close as the watermark passes them, if anything follows.
     */
    public MetricsLoadgenCommand live() {
        this.live = true;
        this.rate = 0;
        return this;
    }

    /** Shares of duplicates and conflicting values; no delayed or late points. */
    public MetricsLoadgenCommand onTimeWith(double duplicates, double conflicts) {
        this.duplicates = duplicates;
        this.conflicts = conflicts;
        this.delayed = 0;
        this.late = 0;
        return this;
    }

    @Override
    public Integer call() throws IOException {
        if (lineProtocol != null) {
            return sendLines();
        }
        if (events <= 0) {
            throw new IllegalArgumentException("--events must be positive (or give --line-protocol)");
        }
        if (alertRulesFile != null) {
            Files.writeString(alertRulesFile, AlertEpisodes.rulesYaml());
        }
        int series = pools * hosts * metrics + SeriesCatalog.GLOBAL_SERIES + (alertEpisodes ? AlertEpisodes.SERIES : 0);
        int partitions = LoadProducer.partitionCount(endpoints.kafka(), topic);
        // The closing points' Kafka timestamp is their event time, an hour and the lateness past the last
        // point's: start early enough that it is not ahead of now (the broker refuses timestamps far ahead).
        long first = live
                ? System.currentTimeMillis()
                : start != null
                        ? start.toEpochMilli()
                        : System.currentTimeMillis()
                                - MetricsSettings.span(events, series, interval).toMillis()
                                - Duration.ofHours(1)
                                        .plus(allowedLateness)
                                        .plusMinutes(3)
                                        .toMillis();
        MetricsSettings settings = new MetricsSettings(
                seed,
                events,
                pools,
                hosts,
                metrics,
                interval,
                first,
                disorder,
                partitions,
                allowedLateness,
                duplicates,
                conflicts,
                delayed,
                late,
                malformed,
                invalid,
                resets,
                silences,
                alertEpisodes,
                maxSeriesPerName,
                flood);
        MetricsTruth truth = truthFile == null ? MetricsTruth.totalsOnly() : new MetricsTruth();
        AtomicReference<MetricsGenerator> generator = new AtomicReference<>();
        Supplier<Iterator<GeneratedRecord>> records = () -> {
            generator.set(new MetricsGenerator(settings, truth, live ? System::currentTimeMillis : null));
            return generator.get();
        };
        long begin = System.nanoTime();
        long sent = LoadProducer.produce(
                endpoints.kafka(),
                topic,
                records,
                rate,
                // A live feed runs beside a measurement that prints its own lines.
                live ? null : n -> System.out.printf("  %,d records (%.0f%%)%n", n, 100.0 * n / events));
        double seconds = (System.nanoTime() - begin) / 1e9;
        ExpectedMetrics.Totals t = truth.totals();
        MetricsGenerator.Injected i = generator.get().injected();
        System.out.printf(
                "Wrote %,d records to %s in %.1f s (%,.0f/s): %,d valid points of %,d series (%,d samples, %,d duplicates, %,d"
                        + " conflicting values, %,d delayed, %,d late candidates, %,d counter restarts, %,d silences, %,d flood points), %,d records to"
                        + " dead-letter (%,d undecodable, %,d invalid), %,d closing points.%n",
                sent,
                topic,
                seconds,
                sent / seconds,
                t.points(),
                series,
                i.samples(),
                i.duplicates(),
                i.conflicts(),
                i.delayed(),
                t.lateCandidates(),
                i.resets(),
                i.silences(),
                i.flood(),
                t.deadLetters(),
                i.undecodable(),
                i.invalid(),
                t.closing());
        if (truthFile != null) {
            truth.expected(allowedLateness, maxSeriesPerName).write(truthFile);
            System.out.println("Ground truth: " + truthFile);
        }
        return 0;
    }

    /** The points of --line-protocol, each keyed by its series as the job keys it. */
    private int sendLines() throws IOException {
        List<String> lines = lineProtocol.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        .lines()
                        .toList()
                : Files.readAllLines(Path.of(lineProtocol), StandardCharsets.UTF_8);
        List<MetricPoint> points = LineProtocol.parseAll(lines);
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        Supplier<Iterator<GeneratedRecord>> records = () -> points.stream()
                .map(p -> new GeneratedRecord(
                        SeriesKey.of(p.getName(), p.getLabels()).getBytes(StandardCharsets.UTF_8),
                        codec.encode(p),
                        p.getTs(),
                        GeneratedRecord.Kind.POINT))
                .iterator();
        long sent = LoadProducer.produce(endpoints.kafka(), topic, records, rate, n -> {});
        System.out.printf("Wrote %,d points of %,d lines to %s.%n", sent, lines.size(), topic);
        return 0;
    }
}
