package dev.tally.connectors.cassandra;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;
import static org.apache.flink.util.Preconditions.checkState;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Where and how the Cassandra sink connects: contact points, datacenter, keyspace, timeouts. */
public final class CassandraConnection implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_LOCAL_DATACENTER = "datacenter1";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The driver's schema refresh debounce window: short, so that creating a table takes 0.15 s, not 1.1 s. */
    static final Duration SCHEMA_REFRESH_WINDOW = Duration.ofMillis(10);

    /**
     * A majority of the local replicas: an acknowledged row survives the loss of one replica, which
     * is what lets a checkpoint count it as written.
     */
    public static final DefaultConsistencyLevel DEFAULT_CONSISTENCY = DefaultConsistencyLevel.LOCAL_QUORUM;

    private final List<String> contactPoints;
    private final String localDatacenter;
    private final String keyspace;
    private final Duration requestTimeout;
    private final DefaultConsistencyLevel consistency;
    private final String username;
    private final String password;

    private CassandraConnection(Builder builder) {
        this.contactPoints = List.copyOf(builder.contactPoints);
        this.localDatacenter = builder.localDatacenter;
        this.keyspace = builder.keyspace;
        this.requestTimeout = builder.requestTimeout;
        this.consistency = builder.consistency;
        this.username = builder.username;
        this.password = builder.password;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** "host:port" strings, as given. */
    public List<String> contactPoints() {
        return contactPoints;
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    /** The session keyspace; empty when the statements name their keyspace themselves. */
    public Optional<String> keyspace() {
        return Optional.ofNullable(keyspace);
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public DefaultConsistencyLevel consistency() {
        return consistency;
    }

    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /**
     * Opens a session; the caller closes it. Contact point host names are resolved here, on the
     * task manager, not where the job was built.
     */
    public CqlSession open(String sessionName) {
        // The driver reads its reference.conf and instantiates its policies reflectively; under
        // Flink's child-first user-code class loader that must be the loader that holds the driver.
        ClassLoader driverLoader = CqlSession.class.getClassLoader();
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder(driverLoader)
                .withString(DefaultDriverOption.SESSION_NAME, sessionName)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, consistency.name())
                // A DDL statement completes after the driver's schema refresh, debounced by
                // 1 s by default: 1.1 s per table when a tool or a replay creates a keyspace
                // (the local stack's sessions do the same, CqlSchema.SCHEMA_REFRESH_WINDOW).
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, SCHEMA_REFRESH_WINDOW)
                .build();
        List<InetSocketAddress> addresses = new ArrayList<>(contactPoints.size());
        for (String contactPoint : contactPoints) {
            InetSocketAddress unresolved = parseContactPoint(contactPoint);
            addresses.add(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()));
        }
        CqlSessionBuilder session = CqlSession.builder()
                .withClassLoader(driverLoader)
                .withConfigLoader(config)
                .addContactPoints(addresses)
                .withLocalDatacenter(localDatacenter);
        if (keyspace != null) {
            session.withKeyspace(keyspace);
        }
        if (username != null) {
            session.withAuthCredentials(username, password);
        }
        return session.build();
    }

    /**
     * Parses "host:port" (IPv6 as "[addr]:port") without resolving the host. Plain JDK only: the
     * dashboard and the tools call it without Flink on their classpath.
     */
    public static InetSocketAddress parseContactPoint(String contactPoint) {
        Objects.requireNonNull(contactPoint, "contact point");
        String trimmed = contactPoint.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("Contact point must be host:port, got '" + contactPoint + "'");
        }
        String host = trimmed.substring(0, colon);
        boolean bracketed = host.length() >= 2 && host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || (!bracketed && host.contains(":"))) {
            throw new IllegalArgumentException(
                    "Contact point must be host:port (IPv6 as [addr]:port), got '" + contactPoint + "'");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Contact point port is not a number: '" + contactPoint + "'", e);
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("Contact point port out of range: '" + contactPoint + "'");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        // Never the password: this ends up in logs and the web UI.
        return "CassandraConnection{contactPoints="
                + contactPoints
                + ", localDatacenter="
                + localDatacenter
                + ", keyspace="
                + keyspace
                + ", requestTimeout="
                + requestTimeout
                + ", consistency="
                + consistency
                + ", username="
                + username
                + "}";
    }

    /** Builds a {@link CassandraConnection}; contact points are required. */
    public static final class Builder {
        private final List<String> contactPoints = new ArrayList<>();
        private String localDatacenter = DEFAULT_LOCAL_DATACENTER;
        private String keyspace;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private DefaultConsistencyLevel consistency = DEFAULT_CONSISTENCY;
        private String username;
        private String password;

        private Builder() {}

        /** Adds contact points, each "host:port". */
        public Builder contactPoints(String... contactPoints) {
            return contactPoints(List.of(contactPoints));
        }

        /** Adds contact points, each "host:port". */
        public Builder contactPoints(List<String> contactPoints) {
            for (String contactPoint : contactPoints) {
                parseContactPoint(contactPoint);
                this.contactPoints.add(contactPoint.trim());
            }
            return this;
        }

        public Builder localDatacenter(String localDatacenter) {
            checkArgument(localDatacenter != null && !localDatacenter.isBlank(), "localDatacenter must not be blank");
            this.localDatacenter = localDatacenter;
            return this;
        }

        /** Keyspace for unqualified table names in the statements. */
        public Builder keyspace(String keyspace) {
            checkArgument(keyspace != null && !keyspace.isBlank(), "keyspace must not be blank");
            this.keyspace = keyspace;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            checkNotNull(requestTimeout, "requestTimeout");
            checkArgument(
                    !requestTimeout.isNegative() && !requestTimeout.isZero(),
                    "requestTimeout must be positive, got %s",
                    requestTimeout);
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Consistency level of every write, e.g. "LOCAL_QUORUM" (the default). */
        public Builder consistency(String consistencyLevel) {
            checkNotNull(consistencyLevel, "consistencyLevel");
            try {
                return consistency(
                        DefaultConsistencyLevel.valueOf(consistencyLevel.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown consistency level '" + consistencyLevel + "'", e);
            }
        }

        public Builder consistency(DefaultConsistencyLevel consistency) {
            checkNotNull(consistency, "consistency");
            checkArgument(
                    !consistency.isSerial(),
                    "Serial consistency applies to conditional updates, which the sink never" + " sends");
            this.consistency = consistency;
            return this;
        }

        /** Plain-text credentials, for a cluster with PasswordAuthenticator. */
        public Builder credentials(String username, String password) {
            checkArgument(username != null && !username.isEmpty(), "username must not be empty");
            checkNotNull(password, "password");
            this.username = username;
            this.password = password;
            return this;
        }

        public CassandraConnection build() {
            checkState(!contactPoints.isEmpty(), "at least one contact point is required");
            return new CassandraConnection(this);
        }
    }
}
