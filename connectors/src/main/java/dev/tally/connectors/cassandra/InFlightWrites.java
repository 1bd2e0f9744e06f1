package dev.tally.connectors.cassandra;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous writes with a bounded number in flight, each retried with backoff; the first write
 * that exhausts its retries fails every later call.
 *
 * <p>{@link #submit}, {@link #awaitAll} and {@link #close} are called from the one task thread;
 * completions arrive on the driver's I/O threads and retries run on a private timer thread, so
 * neither ever blocks.
 */
final class InFlightWrites<S> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InFlightWrites.class);

    private final String name;
    private final Function<S, CompletionStage<?>> send;
    private final ToIntFunction<S> rows;
    private final int maxInFlight;
    private final RetrySettings retry;
    private final Counter written;
    private final Counter retried;
    private final Counter failed;

    /**
     * One permit per write that is sent or waiting for its retry, so retries count as in flight.
     */
    private final Semaphore permits;

    private final ScheduledThreadPoolExecutor retryTimer;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;
    private boolean failureReported;

    InFlightWrites(
            String name,
            Function<S, CompletionStage<?>> send,
            ToIntFunction<S> rows,
            int maxInFlight,
            RetrySettings retry,
            Counter written,
            Counter retried,
            Counter failed) {
        checkArgument(maxInFlight > 0, "maxInFlight must be positive, got %s", maxInFlight);
        this.name = name;
        this.send = checkNotNull(send, "send");
        this.rows = checkNotNull(rows, "rows");
        this.maxInFlight = maxInFlight;
        this.retry = checkNotNull(retry, "retry");
        this.written = checkNotNull(written, "written");
        this.retried = checkNotNull(retried, "retried");
        this.failed = checkNotNull(failed, "failed");
        this.permits = new Semaphore(maxInFlight);
        this.retryTimer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name + "-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Sends one write, first waiting for a free slot if {@code maxInFlight} writes are outstanding:
     * blocking here is what back-pressures the pipeline.
     */
    void submit(S statement) throws IOException, InterruptedException {
        rethrowFailure();
        permits.acquire();
        // A write may have failed for good while we waited; stop before sending more rows.
        if (failure.get() != null) {
            permits.release();
            rethrowFailure();
        }
        attempt(statement, 0);
    }

    /** Returns once every submitted write is acknowledged, or throws if any failed for good. */
    void awaitAll() throws IOException, InterruptedException {
        rethrowFailure();
        awaitIdle();
        rethrowFailure();
    }

    /** Writes sent or waiting for a retry. */
    int inFlight() {
        return maxInFlight - permits.availablePermits();
    }

    /**
     * Stops retrying, waits for the requests already sent (the driver ends each within its request
     * timeout) and logs a failure no earlier call has reported, without throwing it: a finished
     * writer has flushed (and so thrown any failure) before it is closed, so an unreported failure
     * belongs to a task that is failing or cancelled anyway, and an exception from its cleanup is
     * fatal to the whole TaskManager ("exception in exception handler").
     */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        List<Runnable> abandoned = retryTimer.shutdownNow();
        if (!abandoned.isEmpty()) {
            // Their permits are never released by a completion; the rows are replayed from the
            // last checkpoint after the restart that this close belongs to.
            failed.inc(abandoned.size());
            failure.compareAndSet(
                    null, new IOException(abandoned.size() + " writes waiting for a retry were dropped on close"));
            permits.release(abandoned.size());
        }
        awaitIdle();
        Throwable error = failure.get();
        if (error != null && !failureReported) {
            LOG.warn(
                    "Closing the Cassandra writes of {} with a failure the task did not see (it is failing or"
                            + " cancelled; the rows are written again after the restart): {}",
                    name,
                    error.toString());
        }
    }

    private void awaitIdle() throws InterruptedException {
        permits.acquire(maxInFlight);
        permits.release(maxInFlight);
    }

    private void attempt(S statement, int attempt) {
        CompletionStage<?> result;
        try {
            result = send.apply(statement);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((ignored, error) -> onComplete(statement, attempt, error));
    }

    private void onComplete(S statement, int attempt, Throwable error) {
        if (error == null) {
            written.inc(rows.applyAsInt(statement));
            permits.release();
            return;
        }
        Throwable cause = unwrap(error);
        // Once one write has failed for good the job will restart anyway: retrying the others
        // would only delay that.
        if (attempt < retry.maxRetries() && RetrySettings.isRetryable(cause) && !closing && failure.get() == null) {
            try {
                retryTimer.schedule(
                        () -> attempt(statement, attempt + 1), retry.delayMillis(attempt), TimeUnit.MILLISECONDS);
                retried.inc();
                return;
            } catch (RejectedExecutionException closedMeanwhile) {
                cause.addSuppressed(closedMeanwhile);
            }
        }
        failed.inc(rows.applyAsInt(statement));
        failure.compareAndSet(
                null, new IOException("Cassandra write failed after " + (attempt + 1) + " attempt(s)", cause));
        permits.release();
    }

    private void rethrowFailure() throws IOException {
        Throwable error = failure.get();
        if (error != null) {
            failureReported = true;
            throw new IOException(error.getMessage(), error.getCause() != null ? error.getCause() : error);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
