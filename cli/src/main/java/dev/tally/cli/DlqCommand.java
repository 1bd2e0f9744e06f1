package dev.tally.cli;

import dev.tally.connectors.kafka.DecodingDeserializer;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.jobs.kit.TallyJobs;
import dev.tally.stack.TallyHome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecordBase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code tally dlq <job>}: a job's dead letters by reason, and re-sending the repaired ones. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = {
            "List a job's dead letters (<input>.dlq) by reason. With --resend, re-send to the input topic those the job",
            "would accept now (after a schema, producer or limit fix), each once, to its first partition and Kafka",
            "timestamp, with its provenance in headers (tally.repaired-from, tally.original-position). The job's own",
            "options (as for the live job) say where its topics are and how it validates."
        })
final class DlqCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "<job>",
            description = "Job: ${COMPLETION-CANDIDATES}",
            completionCandidates = SubmitCommand.JobNames.class)
    String jobName;

    @Option(names = "--reason", split = ",", description = "Only dead letters of these reasons (default: all).")
    List<String> reasons = new ArrayList<>();

    @Option(names = "--resend", description = "Re-send the ones the job accepts now.")
    boolean resend;

    @Option(names = "--dry-run", description = "With --resend: only count what would be re-sent.")
    boolean dryRun;

    @Unmatched
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        TallyJob<?, ?, ?> job = TallyJobs.byName(jobName);
        JobOptions options = JobOptions.parse(
                job.newOptions(),
                LocalStackDefaults.withLocalStack(jobArgs, TallyHome.locate()).toArray(String[]::new));
        if (options == null) {
            return 0;
        }
        if (!resend) {
            Map<String, DeadLetterRepair.ReasonCount> reasonCounts =
                    DeadLetterRepair.byReason(options.kafka(), options.inputTopic);
            System.out.printf("%-24s %12s  %s%n", "REASON", "DEAD LETTERS", "FIRST DETAIL");
            reasonCounts.forEach(
                    (reason, c) -> System.out.printf("%-24s %,12d  %s%n", reason, c.count(), abbreviate(c.example())));
            if (reasonCounts.isEmpty()) {
                System.out.println("(no dead letters in " + Topics.deadLetter(options.inputTopic) + ")");
            }
            return 0;
        }
        DeadLetterRepair.Result result = DeadLetterRepair.resend(
                options.kafka(), options.inputTopic, new LinkedHashSet<>(reasons), decoder(job, options), dryRun);
        System.out.printf(
                "%s %,d of %,d dead letters%s to %s; %,d re-sent before; %,d truncated (cannot be re-sent);"
                        + " %,d made by the job itself (conflicts); still rejected: %s%n",
                dryRun ? "Would re-send" : "Re-sent",
                result.resent(),
                result.examined(),
                reasons.isEmpty() ? "" : " of " + String.join(", ", reasons),
                options.inputTopic,
                result.alreadyResent(),
                result.truncated(),
                result.notFromInput(),
                result.stillRejected().isEmpty() ? "none" : result.stillRejected());
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static <I extends SpecificRecordBase, O extends JobOptions> DecodingDeserializer<I> decoder(
            TallyJob<I, O, ?> job, JobOptions options) {
        return new DecodingDeserializer<>(job.inputType(), job.validator((O) options));
    }

    private static String abbreviate(String detail) {
        return detail.length() <= 100 ? detail : detail.substring(0, 97) + "...";
    }
}
