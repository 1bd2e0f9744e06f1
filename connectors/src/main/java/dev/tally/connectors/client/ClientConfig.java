package dev.tally.connectors.client;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.tally.connectors.cassandra.CassandraConnection;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client properties and credentials for a cluster other than the local stack, from a file so that a
 * secret never stands on a command line (where {@code ps} and shell history show it). Keys:
 *
 * <ul>
 *   <li>{@code kafka.<property>}: any Kafka client property (e.g. {@code kafka.security.protocol},
 *       {@code kafka.sasl.jaas.config}), given to every producer, consumer and admin client. Properties a
 *       client needs for its guarantees (isolation level, idempotence, serializers) stay the client's own.
 *   <li>{@code cassandra.username}, {@code cassandra.password}: PasswordAuthenticator credentials.
 * </ul>
 *
 * <p>Like ssh with a private key, a file that others may read is refused. {@link #toString()} names the
 * keys, never their values.
 */
public final class ClientConfig implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String KAFKA = "kafka.";
    private static final Set<String> CASSANDRA_KEYS = Set.of("cassandra.username", "cassandra.password");

    private final Map<String, String> kafka;
    private final String cassandraUsername;
    private final String cassandraPassword;

    private ClientConfig(Map<String, String> kafka, String cassandraUsername, String cassandraPassword) {
        this.kafka = Map.copyOf(kafka);
        this.cassandraUsername = cassandraUsername;
        this.cassandraPassword = cassandraPassword;
    }

    /** No extra properties, no credentials: the local stack. */
    public static ClientConfig none() {
        return new ClientConfig(Map.of(), null, null);
    }

    /** {@code file}, or {@link #none()} when null. */
    public static ClientConfig load(Path file) {
        if (file == null) {
            return none();
        }
        refuseReadableByOthers(file);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the client config " + file, e);
        }
        return of(properties, file.toString());
    }

    /** From properties with the keys of a client config file; {@code source} names them in errors. */
    public static ClientConfig of(Properties properties, String source) {
        Map<String, String> kafka = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            if (key.equals("kafka.bootstrap.servers")) {
                throw new IllegalArgumentException("The client config " + source
                        + " sets kafka.bootstrap.servers: the brokers are given by --bootstrap-servers");
            } else if (key.startsWith(KAFKA) && key.length() > KAFKA.length()) {
                kafka.put(key.substring(KAFKA.length()), value);
            } else if (!CASSANDRA_KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown key '" + key + "' in the client config " + source
                        + ": keys are kafka.<Kafka client property>, cassandra.username and cassandra.password");
            }
        }
        String username = properties.getProperty("cassandra.username");
        String password = properties.getProperty("cassandra.password");
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("The client config " + source
                    + " has one of cassandra.username and cassandra.password: give both or neither");
        }
        return new ClientConfig(kafka, username, password);
    }

    /** The Kafka client properties of the file, without the {@code kafka.} prefix. */
    public Map<String, String> kafkaProperties() {
        return kafka;
    }

    /** These brokers, with the file's Kafka client properties. */
    public KafkaClients kafka(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, kafka);
    }

    /** The builder with the file's credentials, if it has any. */
    public CassandraConnection.Builder applyTo(CassandraConnection.Builder builder) {
        return cassandraUsername == null ? builder : builder.credentials(cassandraUsername, cassandraPassword);
    }

    /** A session builder with the file's credentials, if it has any (for sessions configured otherwise). */
    public CqlSessionBuilder applyTo(CqlSessionBuilder builder) {
        return cassandraUsername == null ? builder : builder.withAuthCredentials(cassandraUsername, cassandraPassword);
    }

    @Override
    public String toString() {
        return "ClientConfig{kafka=" + kafka.keySet() + ", cassandraCredentials=" + (cassandraUsername != null) + "}";
    }

    private static void refuseReadableByOthers(Path file) {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix == null) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = posix.readAttributes().permissions();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the client config " + file, e);
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalArgumentException(
                    "The client config " + file + " holds credentials and others may read it: chmod 600 " + file);
        }
    }
}
