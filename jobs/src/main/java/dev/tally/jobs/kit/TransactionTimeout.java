package dev.tally.jobs.kit;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * Whether a Kafka transaction timeout outlives the longest a checkpoint can leave a transaction
 * open. A transaction opened after checkpoint n commits when checkpoint n + 1 completes; when
 * checkpoints fail, it stays open through the interval, up to (tolerable failures + 1) checkpoint
 * timeouts before the job fails over, and the restart delay before recovery commits it. Should the
 * broker abort it first, its records are lost although Flink counts them as written.
 */
public final class TransactionTimeout {

    private TransactionTimeout() {}

    /** The longest a transaction can stay open under {@code config}; zero when checkpointing is off. */
    public static Duration needed(ReadableConfig config) {
        Duration interval = config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        if (interval == null || interval.isZero() || interval.isNegative()) {
            return Duration.ZERO;
        }
        Duration timeout = config.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        int tolerable = config.getOptional(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)
                .orElse(0);
        return interval.plus(timeout.multipliedBy(tolerable + 1L)).plus(restartDelay(config));
    }

    /** Refuses a timeout shorter than {@link #needed}, saying which settings make it so. */
    public static void check(Duration transactionTimeout, ReadableConfig config) {
        Duration needed = needed(config);
        if (transactionTimeout.compareTo(needed) < 0) {
            throw new IllegalArgumentException(
                    "--transaction-timeout " + transactionTimeout + " is shorter than checkpoint interval "
                            + config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL) + " + timeout "
                            + config.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT) + " x (tolerable failures "
                            + config.getOptional(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)
                                    .orElse(0) + " + 1) + restart delay "
                            + restartDelay(config) + " = " + needed + ": the broker could abort a transaction that a"
                            + " checkpoint has not committed yet, and its records would be lost. Raise the timeout (at"
                            + " most the broker's transaction.max.timeout.ms) or lower the checkpoint timeout or"
                            + " tolerable failures.");
        }
    }

    /** The longest wait before a restart, by the configured strategy. */
    static Duration restartDelay(ReadableConfig config) {
        String type =
                config.getOptional(RestartStrategyOptions.RESTART_STRATEGY).orElse("exponential-delay");
        return switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "off", "disable" -> Duration.ZERO;
            case "fixed-delay", "fixeddelay" -> config.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY);
            case "failure-rate", "failurerate" ->
                config.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY);
            default -> config.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);
        };
    }
}
