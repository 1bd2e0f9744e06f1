package dev.tally.jobs.kit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/** Buckets archived records by the UTC hour of their event time, so a replay reads only the hours it needs. */
public final class EventHourBuckets<T> implements BucketAssigner<T, String> {

    private static final long serialVersionUID = 1L;

    private static final long HOUR_MILLIS = 3_600_000L;

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    private final EventTime<T> eventTime;

    // Records arrive hour after hour, so one cached name saves formatting a date per record (2% of the
    // ad-click job's samples in a profile).
    private transient long cachedHour;
    private transient String cachedBucket;

    public EventHourBuckets(EventTime<T> eventTime) {
        this.eventTime = eventTime;
    }

    @Override
    public String getBucketId(T record, Context context) {
        long ts = eventTime.of(record);
        long hour = Math.floorDiv(ts, HOUR_MILLIS);
        if (cachedBucket == null || hour != cachedHour) {
            cachedBucket = bucketOf(ts);
            cachedHour = hour;
        }
        return cachedBucket;
    }

    public static String bucketOf(long eventTime) {
        return HOUR.format(Instant.ofEpochMilli(eventTime));
    }

    /** The hour that folder {@code day}/{@code hour} ({@code dt=2026-12-05}, {@code hour=07}) holds; empty for other names. */
    public static Optional<Instant> hourOf(String day, String hour) {
        try {
            return Optional.of(Instant.from(HOUR.parse(day + "/" + hour)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
