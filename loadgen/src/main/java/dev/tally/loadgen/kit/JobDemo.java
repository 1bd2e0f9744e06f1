package dev.tally.loadgen.kit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A job's end-to-end demo: what {@code ./tally demo <job>} needs besides the shared steps (start the
 * local stack, create the run's topics and keyspace, submit the job bounded with the Flink CLI, wait
 * for it to finish, start the dashboard). Every run gets its own topics and keyspace, named from
 * {@link Run#id()}, so runs never mix.
 */
public interface JobDemo {

    /** One demo run. {@code endpoints} reach the local stack; {@code dir} is the run's own directory. */
    record Run(String id, Path dir, Endpoints endpoints, String keyspace, long events) {

        /** A topic name of this run: {@code base-demo-<id>}. */
        public String topic(String base) {
            return base + "-demo-" + id;
        }
    }

    /** Records the demo generates unless told otherwise. */
    long defaultEvents();

    /** The run's topics and their partition counts, dead-letter and late topics included. */
    Map<String, Integer> topics(Run run);

    /** Writes the job's inputs (config files), its input records and their expected results under the run's directory. */
    void generate(Run run) throws Exception;

    /**
     * {@code ./tally} commands to run after {@link #generate}, before the job, as a user of the job would
     * (the leaderboard's {@code players import}); the driver adds the stack's endpoints. None by default.
     */
    default List<List<String>> setupCommands(Run run) {
        return List.of();
    }

    /**
     * The job's own options for this run, beside the ones the driver gives every job (Kafka, Cassandra,
     * keyspace, archive, transactional id, group, name, bounded).
     */
    List<String> jobArguments(Run run);

    /**
     * Prints the job's results against the expected ones; 0 on an exact match. {@code dashboard} serves
     * the run's keyspace, for what only its API shows (the leaderboard's neighbours).
     */
    int verify(Run run, URI dashboard) throws Exception;

    /** The dashboard's options for this run's results, beside port and keyspace. */
    List<String> dashboardArguments(Run run);

    /** Lines for the summary: where the run's results, topics and expected results are. */
    List<String> whereToLook(Run run);
}
