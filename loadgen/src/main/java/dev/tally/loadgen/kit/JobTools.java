package dev.tally.loadgen.kit;

/**
 * A job's tools outside the Flink jar: its load generator (realistic input with injected faults and
 * the exact expected results, from a reference written from the SPEC that imports nothing from
 * {@code jobs/}) and its verifier (the job's output against those expected results). Registered in
 * {@code META-INF/services/dev.tally.loadgen.kit.JobTools}; {@code ./tally loadgen <job>} and
 * {@code ./tally verify <job>} run the commands, {@code ./tally demo <job>} its {@link JobDemo}.
 */
public interface JobTools {

    /** The name the job is registered under in {@code jobs/}. */
    String job();

    /** A new picocli command (a {@code Callable<Integer>}) for {@code ./tally loadgen <job>}. */
    Object loadgenCommand();

    /** A new picocli command (a {@code Callable<Integer>}) for {@code ./tally verify <job>}: exit 0 on an exact match. */
    Object verifyCommand();

    /** The job's end-to-end demo ({@code ./tally demo <job>}). */
    JobDemo demo();
}
