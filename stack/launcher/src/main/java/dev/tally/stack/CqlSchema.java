package dev.tally.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CQL schema shipped in tally-schemas as numbered migrations ({@code cql/index}), applied to a
 * keyspace in order, each once: the keyspace, its {@code schema_migrations} table, then every
 * migration not yet recorded there. An existing installation therefore moves to the current layout
 * instead of keeping the old one silently, as {@code CREATE ... IF NOT EXISTS} alone would. A
 * recorded migration whose files have changed since is refused: released migrations never change.
 */
public final class CqlSchema {

    public static final String LOCAL_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    /**
     * The driver's debounce window for schema refreshes (advanced.metadata.schema.debouncer.window) in
     * sessions that change the schema. A DDL statement completes only after the driver has refreshed its
     * schema metadata, and the default window of 1 s made every statement take 1.1-1.2 s on the local
     * node; at 10 ms one takes 0.12-0.22 s, and a keyspace of every Tally table 4 s instead of 30 s.
     */
    public static final java.time.Duration SCHEMA_REFRESH_WINDOW = java.time.Duration.ofMillis(10);

    private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Pattern INDEX_LINE = Pattern.compile("(\\d+)\\s+([a-z0-9-]+):\\s+(.+)");

    /** One numbered step of the schema: its files' statements, and a checksum of their text. */
    public record Migration(int version, String name, List<String> files, String checksum) {

        /** The statements, with the keyspace filled in. */
        public List<String> statements(String keyspace) {
            List<String> statements = new ArrayList<>();
            for (String file : files) {
                statements.addAll(CqlSchema.statementsOf(read("cql/" + file), keyspace, null));
            }
            return statements;
        }
    }

    private CqlSchema() {}

    /** Brings {@code keyspace} to the current schema; returns the migrations it applied (none when current). */
    public static List<Migration> apply(CqlSession session, String keyspace, String replication) {
        prepare(session, keyspace, replication);
        List<Migration> pending = pending(session, keyspace);
        for (Migration migration : pending) {
            for (String statement : migration.statements(keyspace)) {
                session.execute(statement);
            }
            session.execute(SimpleStatement.newInstance(
                    "INSERT INTO " + keyspace
                            + ".schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    migration.version(),
                    migration.name(),
                    migration.checksum(),
                    Instant.now()));
        }
        return pending;
    }

    /**
     * The migrations {@code keyspace} still lacks, in order; fails when a recorded one has changed
     * or the keyspace is newer than this build. The keyspace and its version table must exist.
     */
    public static List<Migration> pending(CqlSession session, String keyspace) {
        Map<Integer, String> applied = new TreeMap<>();
        for (Row row : session.execute("SELECT version, name, checksum FROM " + keyspace + ".schema_migrations")) {
            applied.put(row.getInt("version"), row.getString("checksum"));
        }
        List<Migration> all = migrations();
        List<Migration> pending = new ArrayList<>();
        for (Migration migration : all) {
            String checksum = applied.remove(migration.version());
            if (checksum == null) {
                pending.add(migration);
            } else if (!checksum.equals(migration.checksum())) {
                throw new IllegalStateException(
                        "Migration " + migration.version() + " (" + migration.name() + ") of keyspace "
                                + keyspace
                                + " was applied from other files than this build's: released migrations must not change."
                                + " Add a new migration to cql/index instead.");
            }
        }
        if (!applied.isEmpty()) {
            throw new IllegalStateException("Keyspace " + keyspace + " has migrations " + applied.keySet()
                    + " that this build does not know: it is older than the schema; use a newer build.");
        }
        return pending;
    }

    /** Creates the keyspace and its version table if missing. */
    public static void prepare(CqlSession session, String keyspace, String replication) {
        for (String statement : keyspaceStatements(keyspace, replication)) {
            session.execute(statement);
        }
    }

    /** The keyspace and its version table, which every migration runs in. */
    private static List<String> keyspaceStatements(String keyspace, String replication) {
        requireKeyspaceName(keyspace);
        return statementsOf(read("cql/00-keyspace.cql") + read("cql/01-schema-migrations.cql"), keyspace, replication);
    }

    /** Every migration of {@code cql/index}, in order. */
    public static List<Migration> migrations() {
        List<Migration> migrations = new ArrayList<>();
        for (String line : read("cql/index").split("\\R")) {
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            Matcher m = INDEX_LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new IllegalStateException("cql/index: not '<version> <name>: <files>': " + line);
            }
            int version = Integer.parseInt(m.group(1));
            if (version != migrations.size() + 1) {
                throw new IllegalStateException(
                        "cql/index: migration " + version + " where " + (migrations.size() + 1) + " was due");
            }
            List<String> files = List.of(m.group(3).trim().split("\\s+"));
            migrations.add(new Migration(version, m.group(2), files, checksum(files)));
        }
        return migrations;
    }

    /** Every statement of a fresh keyspace, in order: the keyspace, the version table, every migration. */
    public static List<String> statements(String keyspace, String replication) {
        List<String> statements = new ArrayList<>(keyspaceStatements(keyspace, replication));
        for (Migration migration : migrations()) {
            statements.addAll(migration.statements(keyspace));
        }
        return statements;
    }

    private static List<String> statementsOf(String cql, String keyspace, String replication) {
        StringBuilder text = new StringBuilder();
        for (String line : cql.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : text.toString().split(";")) {
            if (!statement.isBlank()) {
                String filled = statement.trim().replace("{keyspace}", keyspace);
                statements.add(replication == null ? filled : filled.replace("{replication}", replication));
            }
        }
        return statements;
    }

    private static String checksum(List<String> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String file : files) {
                digest.update(file.getBytes(StandardCharsets.UTF_8));
                digest.update(read("cql/" + file).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireKeyspaceName(String keyspace) {
        if (!KEYSPACE_NAME.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("Invalid keyspace name: " + keyspace);
        }
    }

    private static String read(String resource) {
        try (InputStream in = CqlSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " (tally-schemas jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
