package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.AdClickPipeline;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.DeduplicateClicks;
import dev.tally.reconciliation.AdClickReplay;
import dev.tally.reconciliation.Promotion;
import dev.tally.reconciliation.Reconciliation;
import dev.tally.stack.CqlSchema;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally replay | reconcile | promote ad-clicks}: Kappa recalculation of the ad-click results. */
final class ReplayCommands {

    private ReplayCommands() {}

    /** Options shared by the three commands. */
    static class Common {
        @Option(names = "--keyspace", description = "The live keyspace (default: the stack's, tally).")
        String keyspace;

        @Option(names = "--run-id", description = "Replay run id; its results live in keyspace replay_<run-id>.")
        String runId;

        @Option(names = "--from", description = "Start of the range, ISO-8601 instant on a whole minute (inclusive).")
        Instant from;

        @Option(names = "--to", description = "End of the range, ISO-8601 instant on a whole minute (exclusive).")
        Instant to;

        LocalStack stack() {
            return LocalStack.ofCheckout(TallyHome.locate());
        }

        String liveKeyspace(LocalStack stack) {
            return keyspace != null ? keyspace : stack.settings().keyspace();
        }

        static String replayKeyspace(String runId) {
            if (!runId.matches("[A-Za-z0-9_]{1,32}")) {
                throw new IllegalArgumentException("--run-id must be 1 to 32 letters, digits or '_'");
            }
            return "replay_" + runId.toLowerCase();
        }

        void requireRange() {
            if (from == null || to == null || !from.isBefore(to)) {
                throw new IllegalArgumentException("--from and --to are required, with --from before --to");
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Recalculate results from raw data.",
            subcommands = ReplayAdClicks.class)
    static final class Replay {}

    @Command(
            name = "ad-clicks",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Run the ad-click job's own DAG in Flink BATCH mode over the raw clicks of [--from, --to) into",
                "keyspace replay_<run-id>; the live tables are not touched. The input is the Avro archive (only",
                "the hour folders of the range) or the input topic bounded by Kafka timestamps. Every click",
                "counts, including those the live job found late."
            })
    static final class ReplayAdClicks extends Common implements Callable<Integer> {
        enum Source { archive, kafka }

        @Option(names = "--source", description = "archive or kafka (default: ${DEFAULT-VALUE}).")
        Source source = Source.archive;

        @Option(names = "--archive-dir", description = "The live job's --archive-dir (default: .tally/archive/ad-clicks).")
        Path archive;

        @Option(names = "--input-topic", description = "With --source kafka: the live job's input topic (default: ${DEFAULT-VALUE}).")
        String inputTopic = Topics.AD_CLICKS;

        @Option(names = "--kafka-margin", description = "With --source kafka: read records stamped up to this long before --from"
                + " and after --to; a click further from its Kafka timestamp is missed (default: ${DEFAULT-VALUE}).")
        Duration kafkaMargin = Duration.ofHours(1);

        @Option(names = "--filters", description = "The live job's filters YAML (default: filter 0 only).")
        Path filters;

        @Option(names = "--top-n", description = "The live job's top N (default: ${DEFAULT-VALUE}).")
        int topN = 100;

        @Option(names = "--windows", split = ",", description = "The live job's window sizes (default: 1,5,60).")
        int[] windows = {1, 5, 60};

        @Option(names = "--parallelism", description = "(default: ${DEFAULT-VALUE})")
        int parallelism = 2;

        @Override
        public Integer call() throws Exception {
            requireRange();
            LocalStack stack = stack();
            String run = runId != null ? runId : DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            runReplay(stack, run, this);
            System.out.println("Replay run id: " + run + " (keyspace " + replayKeyspace(run) + ")");
            System.out.println("Next: ./tally reconcile ad-clicks --run-id " + run + " --from " + from + " --to " + to);
            return 0;
        }

        static void runReplay(LocalStack stack, String run, ReplayAdClicks options) throws Exception {
            String keyspace = replayKeyspace(run);
            try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(60))) {
                CqlSchema.apply(session, keyspace, CqlSchema.LOCAL_REPLICATION);
            }
            AdClickReplay.Input input =
                    switch (options.source) {
                        case archive -> new AdClickReplay.Archive(
                                options.archive != null ? options.archive : TallyHome.locate().stackDir().resolve("archive/ad-clicks"));
                        case kafka -> new AdClickReplay.KafkaTopic(stack.kafka().bootstrapServers(), options.inputTopic, options.kafkaMargin);
                    };
            System.out.println("Replaying [" + options.from + ", " + options.to + ") from " + input + " into " + keyspace + " ...");
            AdClickReplay.Result result =
                    AdClickReplay.run(
                            new AdClickReplay.Settings(
                                    input, options.from, options.to,
                                    new AdClickPipeline.Settings(
                                            options.filters == null ? ClickFilters.allOnly() : ClickFilters.load(options.filters),
                                            DeduplicateClicks.DEFAULT_HORIZON, Duration.ZERO, options.topN, options.windows, 100_000),
                                    stack.cassandra().contactPoint(), "datacenter1", keyspace, options.parallelism),
                            new ProgressLine());
            System.out.printf(
                    "Replayed %,d clicks of the range from %,d records of %s in %.1f s.%n",
                    result.replayedClicks(), result.inputRecords(), result.input(), result.took().toMillis() / 1000.0);
        }
    }

    /** Prints the share of input read when it changes, then once that the results are being written. */
    static final class ProgressLine implements AdClickReplay.Progress {
        private long last = -1;

        @Override
        public void update(long read, long total) {
            if (read == last) {
                return;
            }
            last = read;
            System.out.printf("  %,d of %,d input records read (%.0f%%)%n", read, total, total == 0 ? 100.0 : 100.0 * read / total);
            if (read >= total) {
                System.out.println("  all input read; writing the last results");
            }
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true, description = "Compare a replay with the live results.",
            subcommands = ReconcileAdClicks.class)
    static final class Reconcile {}

    @Command(
            name = "ad-clicks",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Compare replay_<run-id> with the live results of [--from, --to) key by key (ad_id, filter_id,",
                "minute; the country dimension; the top-N lists of windows inside the range). Prints a summary",
                "and writes a JSON report. Exit 0 when the difference is within --tolerance, 1 otherwise.",
                "With --date YYYY-MM-DD: replay that UTC day from the archive first (end-of-day reconciliation)."
            })
    static final class ReconcileAdClicks extends Common implements Callable<Integer> {
        @Option(names = "--date", description = "End-of-day run: replay this UTC day, then compare it.")
        LocalDate date;

        @Option(names = "--tolerance", description = "Largest acceptable difference: sum of |replay - live| over counts and country counts, plus differing top-N lists (default: ${DEFAULT-VALUE}).")
        long tolerance;

        @Option(names = "--report", description = "JSON report file (default: .tally/reconcile/<run-id>.json).")
        Path report;

        @Option(names = "--archive-dir", description = "With --date: the live job's --archive-dir (default: .tally/archive/ad-clicks).")
        Path archive;

        @Option(names = "--filters", description = "With --date: the live job's filters YAML.")
        Path filters;

        @Override
        public Integer call() throws Exception {
            LocalStack stack = stack();
            if (date != null) {
                from = date.atStartOfDay().toInstant(ZoneOffset.UTC);
                to = date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                runId = runId != null ? runId : "eod_" + date.toString().replace("-", "");
                ReplayAdClicks replay = new ReplayAdClicks();
                replay.from = from;
                replay.to = to;
                replay.archive = archive;
                replay.filters = filters;
                ReplayAdClicks.runReplay(stack, runId, replay);
            }
            if (runId == null) {
                throw new IllegalArgumentException("--run-id (or --date) is required");
            }
            requireRange();
            try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(60))) {
                Reconciliation.Report result =
                        Reconciliation.compare(session, liveKeyspace(stack), replayKeyspace(runId), from, to, tolerance);
                result.print(System.out);
                Path file = report != null ? report : TallyHome.locate().stackDir().resolve("reconcile/" + runId + ".json");
                java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
                result.writeJson(file);
                System.out.println("JSON report: " + file);
                return result.withinTolerance() ? 0 : 1;
            }
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a replay's results live.",
            subcommands = PromoteAdClicks.class)
    static final class Promote {}

    @Command(
            name = "ad-clicks",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Upsert every row of replay_<run-id> in [--from, --to) that differs from the live tables (and",
                "delete live rows the replay does not have), and publish the corrected counts and top-N lists",
                "to the result topics in one Kafka transaction. Safe to run twice."
            })
    static final class PromoteAdClicks extends Common implements Callable<Integer> {
        @Option(names = "--counts-topic", description = "(default: ${DEFAULT-VALUE})")
        String countsTopic = Topics.AD_CLICK_COUNTS;

        @Option(names = "--top-topic", description = "(default: ${DEFAULT-VALUE})")
        String topTopic = Topics.AD_TOP_ADS;

        @Override
        public Integer call() {
            if (runId == null) {
                throw new IllegalArgumentException("--run-id is required");
            }
            requireRange();
            LocalStack stack = stack();
            try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(60))) {
                Promotion.Result result =
                        Promotion.promote(session, liveKeyspace(stack), replayKeyspace(runId), from, to,
                                stack.kafka().bootstrapServers(), countsTopic, topTopic);
                System.out.printf(
                        "Promoted %s: %d counts, %d country counts, %d top-N lists changed; corrections published to %s and %s.%n",
                        runId, result.counts(), result.countryCounts(), result.topLists(), countsTopic, topTopic);
                return 0;
            }
        }
    }
}
