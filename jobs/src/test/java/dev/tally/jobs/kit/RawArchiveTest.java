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

    @TempDir
    Path tmp;

    @Test
    void archivedFilesReadBackAsTheClicksWritten() throws Exception {
        List<AdClickEvent> clicks = new ArrayList<>();
        // More than one Avro block (64 KB each), so blocks are cut from the buffered encoder.
        for (int i = 0; i < 5_000; i++) {
            clicks.add(click("click-" + i, T0 + i, i % 7 == 0 ? null : "US"));
        }
        Path file = tmp.resolve("part-0.avro");
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem()
                .create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.NO_OVERWRITE)) {
            BulkWriter<AdClickEvent> writer =
                    RawArchive.avroFiles(AdClickEvent.class).create(out);
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

    @Test
    void retentionDeletesWholeHoursPastItAndLeavesEverythingElse() throws Exception {
        Path root = tmp.resolve("archive");
        for (String hour : List.of(
                "dt=2020-12-31/hour=22", "dt=2020-12-31/hour=23", "dt=2021-01-01/hour=00", "dt=2021-01-01/hour=01")) {
            Files.createDirectories(root.resolve(hour));
            Files.writeString(root.resolve(hour).resolve("part-0"), "x");
        }
        Files.createDirectories(root.resolve("dt=2020-12-31/not-an-hour"));
        Files.createDirectories(root.resolve("elsewhere/hour=00"));

        // Now 2021-01-01T02:30 with 1.5 h kept: the cutoff is 01:00, so hours ending by then go.
        List<org.apache.flink.core.fs.Path> deleted = ArchiveRetention.prune(
                new org.apache.flink.core.fs.Path(root.toUri()),
                java.time.Duration.ofMinutes(90),
                java.time.Instant.ofEpochMilli(T0 + 9_000_000));

        assertThat(deleted)
                .extracting(p -> p.getParent().getName() + "/" + p.getName())
                .containsExactly("dt=2020-12-31/hour=22", "dt=2020-12-31/hour=23", "dt=2021-01-01/hour=00");
        assertThat(root.resolve("dt=2021-01-01/hour=01/part-0")).exists();
        assertThat(root.resolve("dt=2021-01-01/hour=00")).doesNotExist();
        // A day folder goes with its last hour only if it held nothing else.
        assertThat(root.resolve("dt=2020-12-31/not-an-hour")).exists();
        assertThat(root.resolve("elsewhere/hour=00")).exists();
    }

    @Test
    void aLocalArchiveIsOwnerOnlyEvenWhenItExistedWider() throws Exception {
        Path fresh = tmp.resolve("fresh/archive");
        RawArchive.createOwnerOnly(fresh.toUri().toString());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
                .isEqualTo("rwx------");

        Path wide = Files.createDirectories(tmp.resolve("wide"));
        Files.setPosixFilePermissions(wide, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        RawArchive.createOwnerOnly(wide.toString());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(wide)))
                .isEqualTo("rwx------");
    }

    @Test
    void aLiveJobPrunesItsArchiveAndABoundedRunDoesNot() {
        for (boolean bounded : new boolean[] {false, true}) {
            org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                    org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
            JobOptions options = new dev.tally.jobs.adclick.AdClickOptions();
            options.archiveDir = tmp.resolve("archive-" + bounded).toUri().toString();
            options.bounded = bounded;
            RawArchive.attach(
                    env.fromData(click("a", T0, "US")), AdClickEvent.class, AdClickEvent::getClickTs, options);
            assertThat(env.getStreamGraph().getStreamNodes())
                    .as("bounded=%s", bounded)
                    .filteredOn(n -> n.getOperatorName().contains("archive retention: PT720H"))
                    .hasSize(bounded ? 0 : 1);
        }
    }

    /** On a MiniCluster: the tick source and the pruning sink run, and the first tick prunes at once. */
    @Test
    void aRunningLiveJobDeletesHoursPastTheRetention() throws Exception {
        Path root = tmp.resolve("archive");
        Path old = Files.createDirectories(root.resolve(EventHourBuckets.bucketOf(T0)));
        Files.writeString(old.resolve("part-0-0"), "x");
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.createLocalEnvironment(1);
        JobOptions options = new dev.tally.jobs.adclick.AdClickOptions();
        options.archiveDir = root.toUri().toString();
        long now = System.currentTimeMillis();
        RawArchive.attach(env.fromData(click("a", now, "US")), AdClickEvent.class, AdClickEvent::getClickTs, options);

        org.apache.flink.core.execution.JobClient job = env.executeAsync("archive-retention");
        try {
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
            while (Files.exists(old) && java.time.Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(old).as("an hour of 2021, past 30 days").doesNotExist();
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aRetentionWithinTheEventAgeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        JobOptions.parse(new dev.tally.jobs.adclick.AdClickOptions(), "--archive-retention", "P7D"))
                .hasMessageContaining("--archive-retention");
        assertThat(JobOptions.parse(new dev.tally.jobs.adclick.AdClickOptions(), "--archive-retention", "PT0S")
                        .archiveRetention)
                .isZero();
    }

    @Test
    void erasureRemovesOnePersonsRecordsAndKeepsTheRest() throws Exception {
        Path root = tmp.resolve("archive");
        Path hour = Files.createDirectories(root.resolve(EventHourBuckets.bucketOf(T0)));
        List<AdClickEvent> clicks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            clicks.add(AdClickEvent.newBuilder(click("click-" + i, T0 + i, "US"))
                    .setUserId(i % 3 == 0 ? "u-erase" : "u-" + i)
                    .build());
        }
        write(hour.resolve("part-0-0"), clicks.subList(0, 150));
        write(hour.resolve("part-1-0"), clicks.subList(150, 300));
        write(hour.resolve(".part-2-0.inprogress"), clicks.subList(0, 3));
        java.time.Instant from = java.time.Instant.ofEpochMilli(T0);
        java.time.Instant to = from.plusSeconds(3600);

        ArchiveEraser.Report dry = ArchiveEraser.erase(root, from, to, "user_id", "u-erase", true);
        assertThat(dry.recordsErased()).isEqualTo(100);
        assertThat(read(hour.resolve("part-0-0"))).hasSize(150);

        ArchiveEraser.Report report = ArchiveEraser.erase(root, from, to, "user_id", "u-erase", false);

        assertThat(report).isEqualTo(new ArchiveEraser.Report(2, 2, 100, 200));
        List<AdClickEvent> left = new ArrayList<>(read(hour.resolve("part-0-0")));
        left.addAll(read(hour.resolve("part-1-0")));
        assertThat(left)
                .containsExactlyElementsOf(clicks.stream()
                        .filter(c -> !c.getUserId().equals("u-erase"))
                        .toList());
        assertThat(read(hour.resolve(".part-2-0.inprogress")))
                .as("not yet committed: untouched")
                .hasSize(3);
        assertThat(ArchiveEraser.erase(root, from, to, "user_id", "u-erase", false)
                        .recordsErased())
                .isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ArchiveEraser.erase(root, from, to, "userid", "x", true))
                .hasMessageContaining("no field 'userid'");
    }

    private static void write(Path file, List<AdClickEvent> clicks) throws Exception {
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem()
                .create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.NO_OVERWRITE)) {
            BulkWriter<AdClickEvent> writer =
                    RawArchive.avroFiles(AdClickEvent.class).create(out);
            for (AdClickEvent click : clicks) {
                writer.addElement(click);
            }
            writer.finish();
        }
    }

    private static List<AdClickEvent> read(Path file) throws Exception {
        List<AdClickEvent> read = new ArrayList<>();
        try (DataFileReader<AdClickEvent> reader =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(AdClickEvent.class))) {
            reader.forEach(read::add);
        }
        return read;
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
