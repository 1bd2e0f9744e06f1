package dev.tally.connectors.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record a replay keeps of itself in its keyspace (table {@code replay_run}, schemas/cql/90-replay.cql):
 * which job, which range, from which source, what its results depend on, and whether it completed.
 */
public final class ReplayRuns {

    /** Replay keyspaces are named this plus the run id. */
    public static final String KEYSPACE_PREFIX = "replay_";

    /** One replay run; {@code completedAt} and the record counts are null until it completed. */
    public record Run(
            String keyspace,
            String job,
            Instant from,
            Instant to,
            String source,
            Map<String, String> definition,
            Instant startedAt,
            Instant completedAt,
            Long inputRecords,
            Long replayedRecords) {

        public boolean completed() {
            return completedAt != null;
        }
    }

    private ReplayRuns() {}

    /** Records that the run started; a run started again in the same keyspace starts over. */
    public static void started(
            CqlSession session,
            String keyspace,
            String job,
            Instant from,
            Instant to,
            String source,
            Map<String, String> definition) {
        session.execute(SimpleStatement.newInstance(
                        "INSERT INTO " + keyspace
                                + ".replay_run (keyspace_name, job, range_from, range_to, source, definition,"
                                + " started_at, completed_at, input_records, replayed_records)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, null, null, null)",
                        keyspace,
                        job,
                        from,
                        to,
                        source,
                        definition,
                        Instant.now())
                .setIdempotent(true));
    }

    /** Records that the run's job finished and every result was written. */
    public static void completed(CqlSession session, String keyspace, long inputRecords, long replayedRecords) {
        session.execute(SimpleStatement.newInstance(
                        "UPDATE " + keyspace
                                + ".replay_run SET completed_at = ?, input_records = ?, replayed_records = ?"
                                + " WHERE keyspace_name = ?",
                        Instant.now(),
                        inputRecords,
                        replayedRecords,
                        keyspace)
                .setIdempotent(true));
    }

    /** The run whose results {@code keyspace} holds; empty when none was recorded there. */
    public static Optional<Run> read(CqlSession session, String keyspace) {
        Row row = session.execute(SimpleStatement.newInstance(
                        "SELECT * FROM " + keyspace + ".replay_run WHERE keyspace_name = ?", keyspace))
                .one();
        if (row == null) {
            return Optional.empty();
        }
        return Optional.of(new Run(
                keyspace,
                row.getString("job"),
                row.getInstant("range_from"),
                row.getInstant("range_to"),
                row.getString("source"),
                row.getMap("definition", String.class, String.class),
                row.getInstant("started_at"),
                row.getInstant("completed_at"),
                row.isNull("input_records") ? null : row.getLong("input_records"),
                row.isNull("replayed_records") ? null : row.getLong("replayed_records")));
    }

    /** The replay keyspaces of the cluster, by name, with their runs (empty where none was recorded). */
    public static List<Map.Entry<String, Optional<Run>>> list(CqlSession session) {
        List<Map.Entry<String, Optional<Run>>> runs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (KeyspaceMetadata keyspace : session.refreshSchema().getKeyspaces().values()) {
            String name = keyspace.getName().asInternal();
            if (name.startsWith(KEYSPACE_PREFIX)) {
                names.add(name);
            }
        }
        names.sort(null);
        for (String name : names) {
            boolean hasTable = session.getMetadata()
                    .getKeyspace(name)
                    .flatMap(k -> k.getTable("replay_run"))
                    .isPresent();
            runs.add(Map.entry(name, hasTable ? read(session, name) : Optional.empty()));
        }
        return runs;
    }
}
