package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.TopAds;
import dev.tally.stack.CqlSchema;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The data set of {@code tally bench dashboard} in its keyspace: one UTC day of per-minute counts of
 * {@link ClickModel}, written offline as SSTables and imported with nodetool (minutes, not hours, for
 * 144 million rows), then the top-N rows through the driver; a marker row says a load is complete.
 */
final class DashboardDataSet {

    /** Module flags the Cassandra tool JVMs (SSTable writer, nodetool) need on Java 17. */
    static final List<String> TOOL_JVM_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");

    /** Partition of ad_click_counts written last by a complete load: click_minute = the day, count = the ads. */
    static final String MARKER_AD = "dashbench-loaded";

    private final String keyspace;
    private final int ads;
    private final int writers;
    /** Where the load's files go (SSTables, tool configuration, the record of the load). */
    private final Path dir;

    DashboardDataSet(String keyspace, int ads, int writers, Path dir) {
        this.keyspace = keyspace;
        this.ads = ads;
        this.writers = writers;
        this.dir = dir;
    }

    /** What is in the keyspace and how it got there. */
    record LoadInfo(
            LocalDate day,
            long rows,
            String method,
            Instant loadedAt,
            double writeSeconds,
            double importSeconds,
            double topSeconds,
            double totalSeconds) {

        String describe() {
            if (loadedAt.equals(Instant.EPOCH)) {
                return method;
            }
            return String.format(
                    Locale.ROOT,
                    "%s at %s in %.0f s (%.0f s writing SSTables, %.0f s nodetool import, %.0f s top-N rows through the driver)",
                    method,
                    loadedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    totalSeconds,
                    writeSeconds,
                    importSeconds,
                    topSeconds);
        }
    }

    /** The load recorded in the keyspace, if it is complete and of this size; else null. */
    LoadInfo existing(CqlSession session) throws IOException {
        Row marker = session.execute(
                        "SELECT click_minute, count FROM " + keyspace + "." + AdClickTables.COUNTS.name()
                                + " WHERE ad_id = ? AND filter_id = ?",
                        MARKER_AD,
                        ClickModel.FILTER)
                .one();
        if (marker == null || marker.getLong("count") != ads) {
            return null;
        }
        long lastAdRows = session.execute(
                        "SELECT count(*) FROM " + keyspace + "." + AdClickTables.COUNTS.name()
                                + " WHERE ad_id = ? AND filter_id = ?",
                        ClickModel.adId(ads),
                        ClickModel.FILTER)
                .one()
                .getLong(0);
        Row latest = session.execute(
                        "SELECT window_end FROM " + keyspace + "." + AdClickTables.TOP_ADS_LATEST.name()
                                + " WHERE filter_id = ? AND window_minutes = ?",
                        ClickModel.FILTER,
                        ClickModel.WINDOWS.get(ClickModel.WINDOWS.size() - 1))
                .one();
        if (lastAdRows != ClickModel.MINUTES || latest == null) {
            return null;
        }
        LocalDate day = LocalDate.ofInstant(marker.getInstant("click_minute"), ZoneOffset.UTC);
        Path file = loadFile();
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
            if (day.toString().equals(p.getProperty("day"))
                    && Integer.toString(ads).equals(p.getProperty("ads"))) {
                return new LoadInfo(
                        day,
                        Long.parseLong(p.getProperty("rows")),
                        p.getProperty("method"),
                        Instant.parse(p.getProperty("loadedAt")),
                        Double.parseDouble(p.getProperty("writeSeconds")),
                        Double.parseDouble(p.getProperty("importSeconds")),
                        Double.parseDouble(p.getProperty("topSeconds")),
                        Double.parseDouble(p.getProperty("totalSeconds")));
            }
        }
        return new LoadInfo(
                day,
                (long) ads * ClickModel.MINUTES,
                "loaded earlier (how and how long not recorded)",
                Instant.EPOCH,
                0,
                0,
                0,
                0);
    }

    private Path loadFile() {
        return dir.resolve("load-" + keyspace + ".properties");
    }

    /** Loads yesterday (UTC) into the keyspace: SSTables written offline, imported, then top-N rows and the marker. */
    LoadInfo load(TallyHome home, LocalStack stack, CqlSession session) throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        long rows = (long) ads * ClickModel.MINUTES;
        BenchCommand.step(String.format(
                Locale.ROOT,
                "Loading %,d rows of %s.ad_click_counts (%,d ads x %,d minutes of %s, filter %d)",
                rows,
                keyspace,
                ads,
                ClickModel.MINUTES,
                day,
                ClickModel.FILTER));
        for (String table : List.of("ad_click_counts", "top_ads", "top_ads_latest")) {
            session.execute("TRUNCATE " + keyspace + "." + table);
        }
        long begin = System.nanoTime();

        Path out = dir.resolve("sstables");
        deleteRecursively(out);
        Files.createDirectories(out);
        Path logback = writeQuietLogback(dir);
        String cassandraClasspath = home.runtimeClasspath("cassandra");
        String createTable = CqlSchema.statements(keyspace, CqlSchema.LOCAL_REPLICATION).stream()
                .filter(s -> s.contains(" " + keyspace + ".ad_click_counts ") && s.startsWith("CREATE TABLE"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No CREATE TABLE of ad_click_counts in the Tally schema"));
        String insert = AdClickTables.COUNTS.insertCql(keyspace);
        String ownClasspath = Paths.get(DashboardDataSet.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        Path toolConfig = writeToolConfig(dir.resolve("writer"));
        List<String> writer = new ArrayList<>(List.of(
                java(),
                "-Xmx1g",
                "-Dcassandra.config=" + toolConfig.toUri(),
                "-Dlogback.configurationFile=" + logback.toUri()));
        writer.addAll(TOOL_JVM_FLAGS);
        writer.addAll(List.of(
                "-cp",
                ownClasspath + java.io.File.pathSeparator + cassandraClasspath,
                SSTableWriterMain.class.getName(),
                keyspace,
                createTable,
                insert,
                Integer.toString(ads),
                Long.toString(dayStart.toEpochMilli()),
                out.toString(),
                Integer.toString(writers)));
        run(writer, dir, "the SSTable writer");
        double writeSeconds = BenchCommand.seconds(begin);

        long importBegin = System.nanoTime();
        // user.home: nodetool keeps its history under ~/.cassandra; keep it with the bench's files.
        List<String> nodetool = new ArrayList<>(
                List.of(java(), "-Xmx256m", "-Duser.home=" + dir, "-Dlogback.configurationFile=" + logback.toUri()));
        nodetool.addAll(TOOL_JVM_FLAGS);
        nodetool.addAll(List.of(
                "-cp",
                cassandraClasspath,
                "org.apache.cassandra.tools.NodeTool",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(stack.settings().cassandraJmxPort()),
                "import",
                keyspace,
                "ad_click_counts"));
        for (int w = 0; w < writers; w++) {
            nodetool.add(SSTableWriterMain.partDir(out, w, keyspace).toString());
        }
        System.out.println(
                "  nodetool import " + keyspace + " ad_click_counts <" + writers + " directories under " + out + ">");
        run(nodetool, dir, "nodetool import");
        // nodetool import exits 0 even when it skipped every SSTable (e.g. a version the node does not read).
        try (Stream<Path> left = Files.walk(out)) {
            List<Path> notImported =
                    left.filter(p -> p.toString().endsWith("-Data.db")).toList();
            if (!notImported.isEmpty()) {
                throw new IllegalStateException(
                        "nodetool import left " + notImported.size() + " SSTable(s) behind, e.g. " + notImported.get(0)
                                + "; see " + stack.cassandra().process().logFile());
            }
        }
        double importSeconds = BenchCommand.seconds(importBegin);

        long topBegin = System.nanoTime();
        ClickModel model = new ClickModel(ads);
        int topRows = writeTopLists(session, model, dayStart);
        double topSeconds = BenchCommand.seconds(topBegin);

        checkLoaded(session, model, dayStart);
        session.execute(
                AdClickTables.COUNTS.insertCql(keyspace),
                AdClickTables.COUNTS.insertValues(
                        new AdClickCount(MARKER_AD, ClickModel.FILTER, dayStart.toEpochMilli(), (long) ads)));
        LoadInfo info = new LoadInfo(
                day,
                rows,
                "written as SSTables by " + writers + " CQLSSTableWriter(s) (sorted) and loaded with nodetool import",
                Instant.now(),
                writeSeconds,
                importSeconds,
                topSeconds,
                BenchCommand.seconds(begin));
        System.out.printf(Locale.ROOT, "  %,d rows + %,d top-N rows loaded: %s%n", rows, topRows, info.describe());

        Properties p = new Properties();
        p.setProperty("day", day.toString());
        p.setProperty("ads", Integer.toString(ads));
        p.setProperty("rows", Long.toString(rows));
        p.setProperty("method", info.method());
        p.setProperty("loadedAt", info.loadedAt().toString());
        p.setProperty("writeSeconds", Double.toString(writeSeconds));
        p.setProperty("importSeconds", Double.toString(importSeconds));
        p.setProperty("topSeconds", Double.toString(topSeconds));
        p.setProperty("totalSeconds", Double.toString(info.totalSeconds()));
        try (Writer w = Files.newBufferedWriter(loadFile())) {
            p.store(w, "Data set of 'tally bench dashboard' in keyspace " + keyspace);
        }
        return info;
    }

    /** top_ads for every window end of the day and each window size, and top_ads_latest as the job writes them. */
    private int writeTopLists(CqlSession session, ClickModel model, Instant dayStart) throws Exception {
        AsyncRowWriter<TopAds> top = new AsyncRowWriter<>(session, keyspace, AdClickTables.TOP_ADS);
        AsyncRowWriter<TopAds> latest = new AsyncRowWriter<>(session, keyspace, AdClickTables.TOP_ADS_LATEST);
        for (int window : ClickModel.WINDOWS) {
            for (int end = 1; end <= ClickModel.MINUTES; end++) {
                ClickModel.TopList list = model.top(window, end);
                Instant windowEnd = dayStart.plusSeconds(60L * end);
                Instant windowStart = windowEnd.minusSeconds(60L * window);
                List<AdCount> ads = new ArrayList<>(list.adIds().size());
                for (int i = 0; i < list.adIds().size(); i++) {
                    ads.add(new AdCount(list.adIds().get(i), list.counts().get(i)));
                }
                TopAds lists = new TopAds(
                        ClickModel.FILTER, window, windowStart.toEpochMilli(), windowEnd.toEpochMilli(), ads);
                top.write(lists);
                if (end == ClickModel.MINUTES) {
                    latest.write(lists);
                }
            }
        }
        return (int) (top.await() + latest.await());
    }

    /** Fails unless the last ad has every minute and the first ad's day sums to the model's. */
    private void checkLoaded(CqlSession session, ClickModel model, Instant dayStart) {
        String last = ClickModel.adId(ads);
        long rows = session.execute(
                        "SELECT count(*) FROM " + keyspace + "." + AdClickTables.COUNTS.name()
                                + " WHERE ad_id = ? AND filter_id = ?",
                        last,
                        ClickModel.FILTER)
                .one()
                .getLong(0);
        Row sum = session.execute(
                        "SELECT sum(count) FROM " + keyspace + "." + AdClickTables.COUNTS.name()
                                + " WHERE ad_id = ? AND filter_id = ?" + " AND click_minute >= ? AND click_minute < ?",
                        ClickModel.adId(1),
                        ClickModel.FILTER,
                        dayStart,
                        dayStart.plusSeconds(60L * ClickModel.MINUTES))
                .one();
        long expected = model.sum(1, 0, ClickModel.MINUTES);
        if (rows != ClickModel.MINUTES || sum == null || sum.getLong(0) != expected) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "The load is incomplete: %s has %d of %d minutes; %s sums to %s, expected %d",
                    last,
                    rows,
                    ClickModel.MINUTES,
                    ClickModel.adId(1),
                    sum == null ? "nothing" : Long.toString(sum.getLong(0)),
                    expected));
        }
    }

    /** Runs a tool JVM in {@code dir} (where anything it writes on its own lands), its output on ours. */
    private static void run(List<String> command, Path dir, String what) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(what + " failed with exit status " + exit);
        }
    }

    /**
     * The SSTable writer's Cassandra configuration (it runs as an offline tool). storage_compatibility_mode CASSANDRA_4
     * makes it write SSTable version 'nb', the version a 5.0 node writes and imports in its default mode; left to
     * itself (client mode) the writer would write 'oa', which such a node silently skips on import.
     */
    private static Path writeToolConfig(Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        return Files.writeString(
                dir.resolve("cassandra.yaml"),
                String.join(
                        "\n",
                        "cluster_name: tally-sstable-writer",
                        "num_tokens: 1",
                        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                        "storage_compatibility_mode: CASSANDRA_4",
                        "data_file_directories: [" + data.resolve("data") + "]",
                        "commitlog_directory: " + data.resolve("commitlog"),
                        "saved_caches_directory: " + data.resolve("saved_caches"),
                        "hints_directory: " + data.resolve("hints"),
                        "cdc_raw_directory: " + data.resolve("cdc_raw"),
                        "commitlog_sync: periodic",
                        "commitlog_sync_period: 10000ms",
                        "seed_provider:",
                        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                        "    parameters:",
                        "      - seeds: \"127.0.0.1\"",
                        "endpoint_snitch: SimpleSnitch",
                        ""));
    }

    private static Path writeQuietLogback(Path dir) throws IOException {
        return Files.writeString(
                dir.resolve("logback-tools.xml"),
                String.join(
                        "\n",
                        "<configuration>",
                        "  <appender name=\"STDERR\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                        "    <target>System.err</target>",
                        "    <encoder><pattern>%level %logger{20} %msg%n</pattern></encoder>",
                        "  </appender>",
                        "  <root level=\"WARN\"><appender-ref ref=\"STDERR\"/></root>",
                        "</configuration>",
                        ""));
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
