package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.stack.CqlSchema;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally migrate}: bring a keyspace of any Cassandra cluster to this build's schema. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Apply this build's numbered CQL migrations (schemas/.../cql/index) that the keyspace lacks, in order, each",
            "recorded in <keyspace>.schema_migrations. ./tally stack up does this for the local stack. Refuses a keyspace",
            "whose applied migrations differ from this build's or are newer."
        })
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--keyspace", description = "Keyspace (default: ${DEFAULT-VALUE}).")
    String keyspace = "tally";

    @Option(
            names = "--replication",
            description =
                    "Replication of the keyspace if it must be created, as CQL (default: ${DEFAULT-VALUE}); in production"
                            + " e.g. \"{'class': 'NetworkTopologyStrategy', 'dc1': 3}\".")
    String replication = CqlSchema.LOCAL_REPLICATION;

    @Option(names = "--dry-run", description = "Only list the migrations that would be applied.")
    boolean dryRun;

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() {
        try (CqlSession session = endpoints.cassandraSession("tally-migrate")) {
            List<CqlSchema.Migration> migrations;
            if (dryRun) {
                boolean exists = session.getMetadata()
                        .getKeyspace(keyspace)
                        .flatMap(k -> k.getTable("schema_migrations"))
                        .isPresent();
                migrations = exists ? CqlSchema.pending(session, keyspace) : CqlSchema.migrations();
            } else {
                migrations = CqlSchema.apply(session, keyspace, replication);
            }
            for (CqlSchema.Migration m : migrations) {
                System.out.printf(
                        "%s %d %s (%s)%n",
                        dryRun ? "Would apply" : "Applied", m.version(), m.name(), String.join(", ", m.files()));
            }
            System.out.println(
                    migrations.isEmpty()
                            ? "Keyspace " + keyspace + " is at the current schema (migration "
                                    + CqlSchema.migrations().size() + ")."
                            : (dryRun ? "Would bring " : "Brought ") + keyspace + " to migration "
                                    + CqlSchema.migrations().size() + ".");
            return 0;
        }
    }
}
