package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetrySettingsTest {

    @Test
    void backoffDoublesFromTheInitialDelayUpToTheCap() {
        RetrySettings retry = new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(retry.delayMillis(0)).isEqualTo(100);
        assertThat(retry.delayMillis(1)).isEqualTo(200);
        assertThat(retry.delayMillis(2)).isEqualTo(400);
        assertThat(retry.delayMillis(3)).isEqualTo(800);
        assertThat(retry.delayMillis(4)).isEqualTo(1000);
        assertThat(retry.delayMillis(10)).isEqualTo(1000);
    }

    @Test
    void backoffNeverOverflowsForLargeRetryNumbers() {
        RetrySettings retry =
                new RetrySettings(Integer.MAX_VALUE, Duration.ofMillis(3), Duration.ofMillis(Long.MAX_VALUE));

        assertThat(retry.delayMillis(61)).isEqualTo(3L << 61);
        assertThat(retry.delayMillis(62)).isEqualTo(Long.MAX_VALUE);
        assertThat(retry.delayMillis(Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(retry.delayMillis(2)).isEqualTo(12);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new RetrySettings(-1, Duration.ofMillis(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySettings(1, Duration.ZERO, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySettings(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retriesTransientDriverErrorsOnly() {
        assertThat(RetrySettings.isRetryable(new DriverTimeoutException("timeout")))
                .isTrue();
        assertThat(RetrySettings.isRetryable(new OverloadedException(null))).isTrue();
        assertThat(RetrySettings.isRetryable(new NoNodeAvailableException())).isTrue();

        assertThat(RetrySettings.isRetryable(new InvalidQueryException(null, "bad")))
                .isFalse();
        assertThat(RetrySettings.isRetryable(new SyntaxError(null, "bad"))).isFalse();
        assertThat(RetrySettings.isRetryable(new IllegalStateException("bug"))).isFalse();
    }
}
