package dev.tally.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.stack.CassandraService;
import dev.tally.stack.CqlSchema;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The test run's real Cassandra server; each test creates its own keyspace. */
public final class TestCassandra implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final CassandraService cassandra;
    private CqlSession session;

    TestCassandra(CassandraService cassandra) {
        this.cassandra = cassandra;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return cassandra.nativePort();
    }

    public String contactPoint() {
        return cassandra.contactPoint();
    }

    public String localDatacenter() {
        return CassandraService.LOCAL_DATACENTER;
    }

    /** A session shared by the tests (no keyspace set); closed when the run ends. */
    public synchronized CqlSession session() {
        if (session == null) {
            session = cassandra.connect(Duration.ofSeconds(30));
        }
        return session;
    }

    /** Creates a keyspace with every Tally table, under a name no other test uses, and returns the name. */
    public String newKeyspace() {
        String keyspace = "t" + COUNTER.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        CqlSchema.apply(session(), keyspace, CqlSchema.LOCAL_REPLICATION);
        return keyspace;
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
