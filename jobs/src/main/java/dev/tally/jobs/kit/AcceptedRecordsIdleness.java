package dev.tally.jobs.kit;

import dev.tally.connectors.kafka.Decoded;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.SystemClock;

/**
 * A watermark generator that lets a split go idle when it has carried no accepted record for the
 * idle timeout. Flink's {@code withIdleness} counts every record as activity, so a partition that
 * carries only rejected records (an old producer on an unknown schema) would never go idle, and,
 * having no event time to give, would hold the watermark back for the whole job. Rejected records
 * still go to the dead-letter topic; they only stop counting as activity.
 */
final class AcceptedRecordsIdleness<T extends SpecificRecord> implements WatermarkGenerator<Decoded<T>> {

    private final WatermarkGenerator<Decoded<T>> watermarks;
    private final Clock clock;
    private final long idleNanos;
    private long lastActivity;
    private boolean idle;

    AcceptedRecordsIdleness(WatermarkGenerator<Decoded<T>> watermarks, Duration idleTimeout) {
        this(watermarks, idleTimeout, SystemClock.getInstance());
    }

    AcceptedRecordsIdleness(WatermarkGenerator<Decoded<T>> watermarks, Duration idleTimeout, Clock clock) {
        this.watermarks = watermarks;
        this.clock = clock;
        this.idleNanos = idleTimeout.toNanos();
        this.lastActivity = clock.relativeTimeNanos();
    }

    @Override
    public void onEvent(Decoded<T> record, long eventTimestamp, WatermarkOutput output) {
        if (!record.isAccepted()) {
            return;
        }
        lastActivity = clock.relativeTimeNanos();
        idle = false;
        watermarks.onEvent(record, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (idle || clock.relativeTimeNanos() - lastActivity >= idleNanos) {
            idle = true;
            output.markIdle();
        } else {
            watermarks.onPeriodicEmit(output);
        }
    }
}
