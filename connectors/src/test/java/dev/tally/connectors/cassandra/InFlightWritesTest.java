package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InFlightWritesTest {

    private static final RetrySettings FAST_RETRIES = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(2));

    private final Counter written = new ThreadSafeSimpleCounter();
    private final Counter retried = new ThreadSafeSimpleCounter();
    private final Counter failed = new ThreadSafeSimpleCounter();
    private final List<Thread> threads = new ArrayList<>();
    private InFlightWrites<String> writes;

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join();
        }
    }

    @Test
    void submitBlocksWhileTheMaximumIsInFlightAndResumesOnAnAcknowledgement() throws Exception {
        PendingServer server = new PendingServer();
        writes = newWrites(server, 2, FAST_RETRIES);

        writes.submit("a");
        writes.submit("b");
        assertThat(writes.inFlight()).isEqualTo(2);

        Thread third = blockedCall(() -> writes.submit("c"));
        assertThat(server.sent()).containsExactly("a", "b");

        server.complete(0);
        third.join();
        assertThat(server.sent()).containsExactly("a", "b", "c");
        assertThat(writes.inFlight()).isEqualTo(2);
        assertThat(written.getCount()).isEqualTo(1);
    }

    @Test
    void awaitAllReturnsOnlyOnceEveryWriteIsAcknowledged() throws Exception {
        PendingServer server = new PendingServer();
        writes = newWrites(server, 8, FAST_RETRIES);
        writes.submit("a");
        writes.submit("b");

        Thread flush = blockedCall(() -> writes.awaitAll());
        server.complete(1);
        assertThat(flush.getState()).isNotEqualTo(Thread.State.TERMINATED);

        server.complete(0);
        flush.join();
        assertThat(writes.inFlight()).isZero();
        assertThat(written.getCount()).isEqualTo(2);
    }

    @Test
    void retriesTransientFailuresUntilTheWriteSucceeds() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        writes = newWrites(
                statement -> attempts.incrementAndGet() <= 2
                        ? CompletableFuture.failedFuture(new DriverTimeoutException("slow"))
                        : CompletableFuture.completedFuture(null),
                4,
                FAST_RETRIES);

        writes.submit("a");
        writes.awaitAll();

        assertThat(attempts).hasValue(3);
        assertThat(written.getCount()).isEqualTo(1);
        assertThat(retried.getCount()).isEqualTo(2);
        assertThat(failed.getCount()).isZero();
    }

    @Test
    void aWriteThatExhaustsItsRetriesFailsTheNextFlushAndEveryLaterWrite() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        writes = newWrites(
                statement -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.failedFuture(new DriverTimeoutException("down"));
                },
                4,
                FAST_RETRIES);

        writes.submit("a");

        assertThatThrownBy(() -> writes.awaitAll())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("4 attempt(s)")
                .hasRootCauseInstanceOf(DriverTimeoutException.class);
        assertThat(attempts).hasValue(4);
        assertThat(retried.getCount()).isEqualTo(3);
        assertThat(failed.getCount()).isEqualTo(1);
        assertThat(writes.inFlight()).isZero();

        assertThatThrownBy(() -> writes.submit("b")).isInstanceOf(IOException.class);
        assertThat(attempts).hasValue(4);
    }

    @Test
    void aStatementTheServerRejectsIsNotRetried() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        writes = newWrites(
                statement -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.failedFuture(new InvalidQueryException(null, "unknown column"));
                },
                4,
                FAST_RETRIES);

        writes.submit("a");

        assertThatThrownBy(() -> writes.awaitAll())
                .isInstanceOf(IOException.class)
                .hasRootCauseInstanceOf(InvalidQueryException.class);
        assertThat(attempts).hasValue(1);
        assertThat(retried.getCount()).isZero();
    }

    @Test
    void anExceptionThrownWhileSendingCountsAsAFailedWrite() throws Exception {
        writes = newWrites(
                statement -> {
                    throw new IllegalStateException("session closed");
                },
                4,
                FAST_RETRIES);

        writes.submit("a");

        assertThatThrownBy(() -> writes.awaitAll()).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(writes.inFlight()).isZero();
    }

    @Test
    void aFailureWhileWaitingForASlotStopsTheBlockedWrite() throws Exception {
        PendingServer server = new PendingServer();
        writes = newWrites(server, 1, new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1)));
        writes.submit("a");
        AtomicReference<Throwable> thrown = new AtomicReference<>();

        Thread second = blockedCall(() -> {
            try {
                writes.submit("b");
            } catch (IOException e) {
                thrown.set(e);
            }
        });
        server.fail(0, new InvalidQueryException(null, "bad row"));
        second.join();

        assertThat(thrown.get()).isInstanceOf(IOException.class);
        assertThat(server.sent()).containsExactly("a");
    }

    /**
     * A failure no call has thrown yet belongs to a task that is failing or cancelled (a finishing one
     * has flushed): close logs it, since an exception from a task's cleanup kills the TaskManager.
     */
    @Test
    void closeWaitsForRequestsInFlightAndDoesNotThrowAFailureNotYetReported() throws Exception {
        PendingServer server = new PendingServer();
        writes = newWrites(server, 4, new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1)));
        writes.submit("a");
        writes.submit("b");

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread close = blockedCall(() -> {
            try {
                writes.close();
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        server.complete(0);
        server.fail(1, new InvalidQueryException(null, "bad row"));
        close.join();

        assertThat(thrown.get()).isNull();
        assertThat(written.getCount()).isEqualTo(1);
        assertThat(failed.getCount()).isEqualTo(1);
    }

    @Test
    void closeDoesNotRethrowAFailureAlreadyReported() throws Exception {
        writes = newWrites(
                statement -> CompletableFuture.failedFuture(new InvalidQueryException(null, "x")), 4, FAST_RETRIES);
        writes.submit("a");
        assertThatThrownBy(() -> writes.awaitAll()).isInstanceOf(IOException.class);

        writes.close();
    }

    @Test
    void closeDropsPendingRetriesInsteadOfWaitingForThem() throws Exception {
        writes = newWrites(
                statement -> CompletableFuture.failedFuture(new DriverTimeoutException("slow")),
                4,
                new RetrySettings(3, Duration.ofHours(1), Duration.ofHours(1)));
        writes.submit("a");
        while (retried.getCount() == 0) {
            Thread.onSpinWait();
        }

        writes.close();
        assertThat(writes.inFlight()).isZero();
        assertThat(failed.getCount()).isEqualTo(1);
    }

    private InFlightWrites<String> newWrites(
            Function<String, CompletionStage<?>> send, int maxInFlight, RetrySettings retry) {
        return new InFlightWrites<>("test", send, s -> 1, maxInFlight, retry, written, retried, failed);
    }

    /** Starts {@code call} on a thread and returns once that thread is parked waiting. */
    private Thread blockedCall(BlockingCall call) throws InterruptedException {
        Thread thread = new Thread(() -> {
            try {
                call.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        threads.add(thread);
        thread.start();
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
        return thread;
    }

    @FunctionalInterface
    private interface BlockingCall {
        void run() throws Exception;
    }

    /** A server whose responses the test completes one by one. */
    private static final class PendingServer implements Function<String, CompletionStage<?>> {
        private final List<String> sent = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> responses = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<?> apply(String statement) {
            CompletableFuture<Void> response = new CompletableFuture<>();
            sent.add(statement);
            responses.add(response);
            return response;
        }

        List<String> sent() {
            return sent;
        }

        void complete(int index) {
            responses.get(index).complete(null);
        }

        void fail(int index, Throwable error) {
            responses.get(index).completeExceptionally(error);
        }
    }
}
