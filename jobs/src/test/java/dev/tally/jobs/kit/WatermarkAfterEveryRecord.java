package dev.tally.jobs.kit;

import dev.tally.connectors.kafka.Decoded;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Pipeline tests' watermarks: one after every accepted record, {@code delay} behind the newest event
 * time (the live job's are periodic). At parallelism 1 what is late then depends on the input's order
 * alone; with two subtasks a keyed operator's watermark is the older of its two channels', and which
 * channel delivers first is a race.
 */
public final class WatermarkAfterEveryRecord {

    private WatermarkAfterEveryRecord() {}

    public static <T extends SpecificRecordBase> WatermarkStrategy<Decoded<T>> of(
            Duration delay, EventTime<T> eventTime) {
        long delayMillis = delay.toMillis();
        return WatermarkStrategy.<Decoded<T>>forGenerator(context -> new WatermarkGenerator<>() {
                    private long latest = Long.MIN_VALUE + delayMillis;

                    @Override
                    public void onEvent(Decoded<T> record, long timestamp, WatermarkOutput output) {
                        if (record.isAccepted()) {
                            latest = Math.max(latest, timestamp);
                            output.emitWatermark(new Watermark(latest - delayMillis));
                        }
                    }

                    @Override
                    public void onPeriodicEmit(WatermarkOutput output) {}
                })
                .withTimestampAssigner((record, kafkaTimestamp) -> JobRunner.timestamp(record, eventTime));
    }
}
