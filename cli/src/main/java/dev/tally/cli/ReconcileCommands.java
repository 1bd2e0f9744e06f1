package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.ReplayMain;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.jobs.kit.TallyJobs;
import dev.tally.reconciliation.Promotion;
import dev.tally.reconciliation.Reconciliation;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code tally reconcile | promote <job>}: compare a replay with the live results table by table of
 * the job's result tables, and make it live. Where the live results are (Cassandra, keyspace,
 * topics) comes from the job's own options, given after the job name as for the live job.
 */
final class ReconcileCommands {

    private ReconcileCommands() {}

    /** What both commands take. */
    abstract static class Common {
        @Parameters(
                index = "0",
                paramLabel = "<job>",
                description = "Job: ${COMPLETION-CANDIDATES}",
                completionCandidates = SubmitCommand.JobNames.class)
        String jobName;

        @Option(names = "--run-id", description = "Replay run id; its results live in keyspace replay_<run-id>.")
        String runId;

        @Option(names = "--from", description = "Start of the range, ISO-8601 instant on a whole minute (inclusive).")
        Instant from;

        @Option(names = "--to", description = "End of the range, ISO-8601 instant on a whole minute (exclusive).")
        Instant to;

        @Option(
                names = "--splits",
                description = "Token ranges compared one at a time; memory holds one (default: ${DEFAULT-VALUE}).")
        int splits = 64;

        @Unmatched
        List<String> jobArgs = new ArrayList<>();

        TallyJob<?, ?, ?> job() {
            return TallyJobs.byName(jobName);
        }

        /**
         * The live job's options (--keyspace, the live one, --cassandra, --bootstrap-servers, topics),
         * the local stack's where none are given; null after printing the job's help.
         */
        JobOptions options() {
            List<String> args = LocalStackDefaults.withLocalStack(jobArgs, TallyHome.locate());
            return JobOptions.parse(job().newOptions(), args.toArray(String[]::new));
        }

        void requireRange() {
            if (runId == null) {
                throw new IllegalArgumentException("--run-id is required");
            }
            if (from == null || to == null || !from.isBefore(to)) {
                throw new IllegalArgumentException("--from and --to are required, with --from before --to");
            }
        }
    }

    @Command(
            name = "reconcile",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Compare replay_<run-id> with the live results of [--from, --to) row by row, in each of the job's result",
                "tables the replay recalculates, one token range at a time. Prints a summary and writes a JSON report.",
                "Exit 0 when the difference is within --tolerance, 1 otherwise. With --date YYYY-MM-DD: replay that UTC",
                "day first (end-of-day reconciliation). After the job name: the live job's options (--keyspace, --cassandra,",
                "and for --date what the replay needs: --archive-dir, --filters, ... or its --config)."
            })
    static final class Reconcile extends Common implements Callable<Integer> {
        @Option(names = "--date", description = "End-of-day run: replay this UTC day, then compare it.")
        LocalDate date;

        @Option(
                names = "--tolerance",
                description = "Largest acceptable difference: sum of |replay - live| over counted tables,"
                        + " plus the rows that differ in the others (default: ${DEFAULT-VALUE}).")
        long tolerance;

        @Option(names = "--report", description = "JSON report file (default: .tally/reconcile/<run-id>.json).")
        Path report;

        @Override
        public Integer call() throws Exception {
            JobOptions options = options();
            if (options == null) {
                return 0;
            }
            if (date != null) {
                from = date.atStartOfDay().toInstant(ZoneOffset.UTC);
                to = date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                runId = runId != null ? runId : "eod_" + date.toString().replace("-", "");
                List<String> args = new ArrayList<>(
                        List.of(jobName, "--from", from.toString(), "--to", to.toString(), "--run-id", runId));
                TallyHome home = TallyHome.locate();
                args.addAll(LocalStackDefaults.withLocalStack(jobArgs, home));
                int replayed = ReplayCommand.replay(LocalStack.ofCheckout(home).flink(), home, List.of(), args);
                if (replayed != 0) {
                    return replayed;
                }
            }
            requireRange();
            try (CqlSession session = options.cassandraConnection(null).open("tally-reconcile")) {
                Reconciliation.Report result = Reconciliation.compare(
                        session,
                        job().resultTables(),
                        options.keyspace,
                        ReplayMain.keyspaceOf(runId),
                        from,
                        to,
                        tolerance,
                        splits);
                result.print(System.out);
                Path file =
                        report != null ? report : TallyHome.locate().stackDir().resolve("reconcile/" + runId + ".json");
                Files.createDirectories(file.toAbsolutePath().getParent());
                result.writeJson(file);
                System.out.println("JSON report: " + file);
                return result.withinTolerance() ? 0 : 1;
            }
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Upsert every row of replay_<run-id> in [--from, --to) that differs from the live tables, and publish the",
                "corrected rows to the job's result topics in one Kafka transaction. Refuses, changing nothing, a replay that",
                "did not complete, replayed no records, did not cover the range, or ran with other result options (filters,",
                "windows, ...) than the live job's given here; and deletes of live rows the replay lacks beyond",
                "--max-deletes. Safe to run twice; a run after a crash publishes what the crashed one did not. After the job",
                "name: the live job's options (--keyspace, --cassandra, --bootstrap-servers, --filters, ... and its result",
                "topics, e.g. --counts-topic, --top-topic), or its --config."
            })
    static final class Promote extends Common implements Callable<Integer> {
        @Option(names = "--dry-run", description = "Print the upserts and deletes per table, and change nothing.")
        boolean dryRun;

        @Option(names = "--max-deletes", description = "Live rows the promote may delete (default: ${DEFAULT-VALUE}).")
        long maxDeletes;

        @Override
        public Integer call() {
            requireRange();
            JobOptions options = options();
            if (options == null) {
                return 0;
            }
            Map<String, String> values = options.toMap();
            String replayKeyspace = ReplayMain.keyspaceOf(runId);
            try (CqlSession session = options.cassandraConnection(null).open("tally-promote")) {
                Promotion.Result result = Promotion.promote(
                        session,
                        new Promotion.Request(
                                jobName,
                                job().resultTables(),
                                options.keyspace,
                                replayKeyspace,
                                from,
                                to,
                                splits,
                                options.resultDefinition(),
                                maxDeletes,
                                dryRun,
                                new Promotion.Corrections(options.kafka(), values::get)));
                System.out.printf(
                        "%s %s into %s, [%s, %s):%n",
                        result.dryRun() ? "Would promote" : "Promoted", replayKeyspace, options.keyspace, from, to);
                result.changes()
                        .forEach((table, c) -> System.out.printf(
                                "  %-24s %,12d upserts %,12d deletes%n", table, c.upserts(), c.deletes()));
                if (!result.dryRun()) {
                    System.out.printf("  %,d corrections published to the job's result topics.%n", result.published());
                }
                return 0;
            }
        }
    }
}
