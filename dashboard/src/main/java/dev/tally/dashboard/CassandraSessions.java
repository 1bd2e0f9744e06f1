package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.client.ClientConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The dashboard's one Cassandra session, connected on first use. While Cassandra is down every query
 * fails fast as {@link CassandraUnavailable}; connecting is retried at most every two seconds, and once
 * connected the driver itself reconnects after an outage.
 */
public final class CassandraSessions implements AutoCloseable {

    private static final long RETRY_NANOS = Duration.ofSeconds(2).toNanos();

    private final List<InetSocketAddress> contactPoints = new ArrayList<>();
    private final String localDatacenter;
    private final ClientConfig clientConfig;
    private final String keyspace;
    private CqlSession session;
    private long lastAttempt;
    private RuntimeException lastFailure;

    /** {@code contactPoints}: host:port[,host:port...], as every tool takes them. */
    public CassandraSessions(String contactPoints, String localDatacenter, String keyspace, ClientConfig clientConfig) {
        for (String contactPoint : contactPoints.split(",")) {
            this.contactPoints.add(CassandraConnection.parseContactPoint(contactPoint));
        }
        this.localDatacenter = localDatacenter;
        this.clientConfig = clientConfig;
        this.keyspace = keyspace;
    }

    /** Runs a query on the session; driver failures that mean "unreachable" become {@link CassandraUnavailable}. */
    public <T> T query(Function<CqlSession, T> query) {
        CqlSession current = session();
        try {
            return query.apply(current);
        } catch (AllNodesFailedException | DriverTimeoutException | ClosedConnectionException e) {
            throw new CassandraUnavailable("Cassandra did not answer: " + e.getMessage(), e);
        }
    }

    private synchronized CqlSession session() {
        if (session != null) {
            return session;
        }
        long now = System.nanoTime();
        if (lastFailure != null && now - lastAttempt < RETRY_NANOS) {
            throw new CassandraUnavailable("Cassandra is unreachable: " + lastFailure.getMessage(), lastFailure);
        }
        lastAttempt = now;
        try {
            List<InetSocketAddress> resolved = contactPoints.stream()
                    .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
                    .toList();
            session = clientConfig
                    .applyTo(CqlSession.builder())
                    .addContactPoints(resolved)
                    .withLocalDatacenter(localDatacenter)
                    .withKeyspace(keyspace)
                    .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(2))
                            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(2))
                            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(2))
                            .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
                            .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))
                            .build())
                    .build();
            lastFailure = null;
            return session;
        } catch (RuntimeException e) {
            lastFailure = e;
            throw new CassandraUnavailable("Cassandra is unreachable: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
