package dev.tally.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Applies the CQL table definitions shipped in tally-schemas ({@code cql/index} lists the files in order). */
public final class CqlSchema {

    public static final String LOCAL_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    private CqlSchema() {}

    public static void apply(CqlSession session, String keyspace, String replication) {
        for (String statement : statements(keyspace, replication)) {
            session.execute(statement);
        }
    }

    /** Every statement of every file, with the keyspace and replication filled in. */
    public static List<String> statements(String keyspace, String replication) {
        if (!KEYSPACE_NAME.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("Invalid keyspace name: " + keyspace);
        }
        List<String> statements = new ArrayList<>();
        for (String file : read("cql/index").split("\\R")) {
            if (file.isBlank()) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (String line : read("cql/" + file.trim()).split("\\R")) {
                if (!line.trim().startsWith("--")) {
                    text.append(line).append('\n');
                }
            }
            for (String statement : text.toString().split(";")) {
                if (!statement.isBlank()) {
                    statements.add(
                            statement.trim().replace("{keyspace}", keyspace).replace("{replication}", replication));
                }
            }
        }
        return statements;
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
