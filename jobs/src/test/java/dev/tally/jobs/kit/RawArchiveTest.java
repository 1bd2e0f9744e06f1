package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.adclick.AdClickEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw-click archive: its Avro files and its hour buckets. */
class RawArchiveTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z

    @TempDir Path tmp;

    @Test
    void archivedFilesReadBackAsTheClicksWritten() throws Exception {
        List<AdClickEvent> clicks = new ArrayList<>();
        // More than one Avro block (64 KB each), so blocks are cut from the buffered encoder.
        for (int i = 0; i < 5_000; i++) {
            clicks.add(click("click-" + i, T0 + i, i % 7 == 0 ? null : "US"));
        }
        Path file = tmp.resolve("part-0.avro");
        try (FSDataOutputStream out =
                FileSystem.getLocalFileSystem()
                        .create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.NO_OVERWRITE)) {
            BulkWriter<AdClickEvent> writer = RawArchive.avroFiles(AdClickEvent.class).create(out);
            for (AdClickEvent click : clicks) {
                writer.addElement(click);
            }
            writer.finish();
        }

        List<AdClickEvent> read = new ArrayList<>();
        try (DataFileReader<AdClickEvent> reader =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(AdClickEvent.class))) {
            reader.forEach(read::add);
        }
        assertThat(read).containsExactlyElementsOf(clicks);
        assertThat(Files.size(file)).isGreaterThan(64 * 1024);
    }

    @Test
    void bucketsAreTheUtcHourOfEventTimeAcrossHourChanges() {
        EventHourBuckets<AdClickEvent> buckets = new EventHourBuckets<>(AdClickEvent::getClickTs);
        assertThat(buckets.getBucketId(click("a", T0, "US"), null)).isEqualTo("dt=2021-01-01/hour=00");
        assertThat(buckets.getBucketId(click("b", T0 + 3_599_999, "US"), null)).isEqualTo("dt=2021-01-01/hour=00");
        assertThat(buckets.getBucketId(click("c", T0 + 3_600_000, "US"), null)).isEqualTo("dt=2021-01-01/hour=01");
        // back to an earlier hour (an out-of-order click), and before 1970
        assertThat(buckets.getBucketId(click("d", T0 - 1, "US"), null)).isEqualTo("dt=2020-12-31/hour=23");
        assertThat(buckets.getBucketId(click("e", -1, "US"), null)).isEqualTo("dt=1969-12-31/hour=23");
        assertThat(buckets.getBucketId(click("f", 0, "US"), null)).isEqualTo("dt=1970-01-01/hour=00");
        assertThat(EventHourBuckets.bucketOf(T0 + 3_600_000)).isEqualTo("dt=2021-01-01/hour=01");
    }

    private static AdClickEvent click(String clickId, long clickTs, String country) {
        return AdClickEvent.newBuilder()
                .setClickId(clickId)
                .setAdId("ad0000001")
                .setClickTs(clickTs)
                .setUserId("u-" + clickId)
                .setIp("10.0.0.1")
                .setCountry(country)
                .build();
    }
}
