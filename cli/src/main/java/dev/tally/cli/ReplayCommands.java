package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.kit.ReplayMain;
import dev.tally.reconciliation.Promotion;
import dev.tally.reconciliation.Reconciliation;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


/** {@code tally reconcile | promote ad-clicks}: compare the ad-click job's replay with its live results, and make it live. */
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
            return ReplayMain.keyspaceOf(runId);
        }

        void requireRange() {
            if (from == null || to == null || !from.isBefore(to)) {
                throw new IllegalArgumentException("--from and --to are required, with --from before --to");
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

        @Parameters(paramLabel = "<job option>", description = "With --date: the live job's options for the replay"
                + " (its --archive-dir, --filters, ... or --config).")
        List<String> jobArgs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            LocalStack stack = stack();
            if (date != null) {
                from = date.atStartOfDay().toInstant(ZoneOffset.UTC);
                to = date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                runId = runId != null ? runId : "eod_" + date.toString().replace("-", "");
                List<String> args = new ArrayList<>(List.of(
                        AdClickJob.NAME, "--from", from.toString(), "--to", to.toString(), "--run-id", runId));
                args.addAll(jobArgs);
                int replayed = ReplayCommand.replay(stack.flink(), TallyHome.locate(), List.of(), args);
                if (replayed != 0) {
                    return replayed;
                }
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
