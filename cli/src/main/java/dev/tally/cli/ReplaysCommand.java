package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.cassandra.ReplayRuns;
import dev.tally.jobs.kit.ReplayMain;
import dev.tally.loadgen.kit.Endpoints;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally replays}: the replay runs a Cassandra cluster holds, and dropping one. */
@Command(
        name = "replays",
        mixinStandardHelpOptions = true,
        description = {
            "List the replay runs (keyspaces replay_<run-id>): job, range, source, whether the run completed, and",
            "records replayed. With --drop, drop runs' keyspaces instead."
        })
final class ReplaysCommand implements Callable<Integer> {

    @Option(
            names = "--drop",
            paramLabel = "<run-id>",
            split = ",",
            description = "Drop these runs' keyspaces and results.")
    List<String> drop = List.of();

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() {
        try (CqlSession session = endpoints.cassandraSession("tally-replays")) {
            if (!drop.isEmpty()) {
                for (String runId : drop) {
                    String keyspace = ReplayMain.keyspaceOf(runId);
                    if (session.getMetadata().getKeyspace(keyspace).isEmpty()) {
                        throw new IllegalArgumentException("no replay run " + runId + " (keyspace " + keyspace + ")");
                    }
                    session.execute("DROP KEYSPACE " + keyspace);
                    System.out.println("Dropped " + keyspace);
                }
                return 0;
            }
            List<Map.Entry<String, Optional<ReplayRuns.Run>>> runs = ReplayRuns.list(session);
            System.out.printf(
                    "%-24s %-12s %-44s %-8s %-11s %s%n", "RUN ID", "JOB", "RANGE", "SOURCE", "STATUS", "REPLAYED");
            for (Map.Entry<String, Optional<ReplayRuns.Run>> entry : runs) {
                String runId = entry.getKey().substring(ReplayRuns.KEYSPACE_PREFIX.length());
                ReplayRuns.Run run = entry.getValue().orElse(null);
                if (run == null) {
                    System.out.printf("%-24s %-12s %-44s %-8s %-11s %s%n", runId, "?", "?", "?", "unrecorded", "");
                    continue;
                }
                System.out.printf(
                        "%-24s %-12s %-44s %-8s %-11s %s%n",
                        runId,
                        run.job(),
                        "[" + run.from() + ", " + run.to() + ")",
                        run.source(),
                        run.completed() ? "completed" : "incomplete",
                        run.replayedRecords() == null ? "" : String.format("%,d", run.replayedRecords()));
            }
            if (runs.isEmpty()) {
                System.out.println("(no replay runs)");
            }
            return 0;
        }
    }
}
