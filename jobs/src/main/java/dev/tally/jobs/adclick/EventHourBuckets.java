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

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    @Override
    public String getBucketId(AdClickEvent click, Context context) {
        return bucketOf(click.getClickTs());
    }

    public static String bucketOf(long eventTime) {
        return HOUR.format(Instant.ofEpochMilli(eventTime));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
