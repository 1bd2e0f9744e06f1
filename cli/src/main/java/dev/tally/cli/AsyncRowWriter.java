package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.tally.connectors.cassandra.ResultTable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Rows of one table (a bench data set's, or imported ones), written as the job writes them ({@link
 * ResultTable#insertCql}), asynchronously with a bound on those in flight; {@link #await} waits for
 * them all and fails if any did.
 */
final class AsyncRowWriter<T> {
    private static final int IN_FLIGHT = 256;
    private final CqlSession session;
    private final ResultTable<T> table;
    private final PreparedStatement insert;
    private final Semaphore permits = new Semaphore(IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long written;

    AsyncRowWriter(CqlSession session, String keyspace, ResultTable<T> table) {
        this.session = session;
        this.table = table;
        this.insert = session.prepare(table.insertCql(keyspace));
    }

    void write(T record) {
        permits.acquireUninterruptibly();
        written++;
        session.executeAsync(insert.bind(table.insertValues(record))).whenComplete((result, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
            permits.release();
        });
    }

    /** Waits for every write; returns how many there were. */
    long await() throws InterruptedException {
        permits.acquire(IN_FLIGHT);
        permits.release(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("writing " + table.name() + " failed", failure.get());
        }
        return written;
    }
}
