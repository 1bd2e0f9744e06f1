package dev.tally.jobs.adclick;

import dev.tally.schema.adclick.AdClickEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/** Buckets archived clicks by the UTC hour of their event time, so a replay reads only the hours it needs. */
public final class EventHourBuckets implements BucketAssigner<AdClickEvent, String> {

    private static final long serialVersionUID = 1L;

    private static final long HOUR_MILLIS = 3_600_000L;

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    // Clicks arrive hour after hour, so one cached name saves formatting a date per click (2% of the
    // job's samples in a profile).
    private transient long cachedHour;
    private transient String cachedBucket;

    @Override
    public String getBucketId(AdClickEvent click, Context context) {
        long clickTs = click.getClickTs();
        long hour = Math.floorDiv(clickTs, HOUR_MILLIS);
        if (cachedBucket == null || hour != cachedHour) {
            cachedBucket = bucketOf(clickTs);
            cachedHour = hour;
        }
        return cachedBucket;
    }

    public static String bucketOf(long eventTime) {
        return HOUR.format(Instant.ofEpochMilli(eventTime));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
