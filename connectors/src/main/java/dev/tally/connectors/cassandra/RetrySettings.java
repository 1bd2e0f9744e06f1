package dev.tally.connectors.cassandra;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.UnsupportedProtocolVersionException;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import java.io.Serializable;
import java.time.Duration;

/** How often and how patiently the sink retries a failed write: capped exponential backoff. */
record RetrySettings(int maxRetries, Duration initialBackoff, Duration maxBackoff) implements Serializable {

    RetrySettings {
        checkArgument(maxRetries >= 0, "maxRetries must be >= 0, got %s", maxRetries);
        checkNotNull(initialBackoff, "initialBackoff");
        checkNotNull(maxBackoff, "maxBackoff");
        checkArgument(
                !initialBackoff.isNegative() && !initialBackoff.isZero(),
                "initialBackoff must be positive, got %s",
                initialBackoff);
        checkArgument(
                maxBackoff.compareTo(initialBackoff) >= 0,
                "maxBackoff (%s) must not be below initialBackoff (%s)",
                maxBackoff,
                initialBackoff);
    }

    /** Delay before retry number {@code retry} (0 for the first retry). */
    long delayMillis(int retry) {
        long initial = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        int shift = Math.min(Math.max(retry, 0), 62);
        // Shifting past the cap would overflow a long long before any realistic retry count.
        if (initial > (cap >> shift)) {
            return cap;
        }
        return Math.min(initial << shift, cap);
    }

    /**
     * Whether resending the same idempotent upsert can succeed. Timeouts, unavailable replicas,
     * overload and lost connections can; a statement the server rejects as invalid never will, so
     * retrying it only delays the job failure.
     */
    static boolean isRetryable(Throwable error) {
        if (!(error instanceof DriverException)) {
            return false;
        }
        return !(error instanceof QueryValidationException
                || error instanceof ProtocolError
                || error instanceof UnsupportedProtocolVersionException);
    }
}
