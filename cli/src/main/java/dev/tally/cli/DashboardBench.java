package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.connectors.kafka.Topics;
import dev.tally.dashboard.DashboardServer;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.TopAds;
import dev.tally.stack.CassandraService;
import dev.tally.stack.CqlSchema;
import dev.tally.stack.LocalStack;
import dev.tally.stack.Ports;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code tally bench dashboard}: p50/p99 latency of the two ad queries of the query API at a fixed,
 * open-loop request rate, over one day of per-minute counts for 100,000 ads.
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Load one UTC day (yesterday) of per-minute ad_click_counts for --ads ads and filter 0 (written offline as",
            "SSTables, then 'nodetool import'), plus the top-N rows of windows 1, 5 and 60, into keyspace --keyspace",
            "(skipped when it already holds them). Then serve the query API in-process and drive aggregated_count and",
            "popular_ads, half each, at --rate requests/s in total, open loop: latency counts from the scheduled send",
            "time. Prints a table and writes it into BENCHMARKS.md."
        })
final class DashboardBench implements Callable<Integer> {

    static final String SECTION = "bench dashboard";
    static final int FILTER = 0;
    static final int MINUTES = 24 * 60;
    static final List<Integer> WINDOWS = List.of(1, 5, 60);
    static final int TOP_N = 100;
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

    @Option(names = "--ads", description = "Ads in the data set (default: ${DEFAULT-VALUE}).")
    int ads = 100_000;

    @Option(names = "--rate", description = "Requests per second in total, half of each query (default: ${DEFAULT-VALUE}).")
    int rate = 200;

    @Option(names = "--seconds", description = "Length of the measured run (default: ${DEFAULT-VALUE}).")
    int seconds = 60;

    @Option(names = "--warmup-seconds", description = "Warm-up at the same rate before measuring (default: ${DEFAULT-VALUE}).")
    int warmupSeconds = 10;

    @Option(names = "--keyspace", description = "Keyspace of the data set (default: ${DEFAULT-VALUE}).")
    String keyspace = "dashbench";

    @Option(names = "--writers", description = "Parallel SSTable writers while loading (default: ${DEFAULT-VALUE}).")
    int writers = 2;

    @Option(names = "--reload", description = "Load the data set again even when the keyspace already holds it.")
    boolean reload;

    @Option(names = "--report", description = "Markdown file to write the results into (default: BENCHMARKS.md at the repository root).")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (ads < 1 || ads > 9_999_999 || rate < 2 || seconds < 1 || warmupSeconds < 0 || writers < 1) {
            throw new IllegalArgumentException("--ads must be 1 to 9,999,999, --rate at least 2, --seconds at least 1, --writers at least 1");
        }
        TallyHome home = TallyHome.locate();
        LocalStack stack = LocalStack.ofCheckout(home);
        stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(4), Duration.ofMinutes(3));
        stack.cassandra().applySchema(keyspace);
        Path dir = Files.createDirectories(home.stackDir().resolve("bench").resolve("dashboard"));

        LoadInfo load;
        try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(120))) {
            load = reload ? null : existingLoad(session, dir);
            if (load == null) {
                load = loadData(home, stack, session, dir);
            } else {
                step("Keyspace " + keyspace + " already holds the data set of " + load.day() + "; not reloading (--reload does)");
            }
        }
        ClickModel model = new ClickModel(ads);
        Instant day = load.day().atStartOfDay(ZoneOffset.UTC).toInstant();

        int port = Ports.findFree();
        Drive drive;
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                "127.0.0.1", port, stack.cassandra().contactPoint(), CassandraService.LOCAL_DATACENTER, keyspace, WINDOWS, TOP_N, Map.of()))) {
            step(String.format(Locale.ROOT, "Driving http://127.0.0.1:%d/v1/ads/... at %d requests/s: %d s warm-up, then %d s measured",
                    server.port(), rate, warmupSeconds, seconds));
            drive = new LoadDriver(server.port(), model, day).run();
        }
        String table = render(drive, load);
        System.out.println();
        System.out.println(table);
        BenchCommand.writeReport(BenchCommand.reportFile(home, report), SECTION, table);
        return 0;
    }

    // ---------------------------------------------------------------------------------------------
    // The data set

    /** What is in the keyspace and how it got there. */
    record LoadInfo(LocalDate day, long rows, String method, Instant loadedAt, double writeSeconds, double importSeconds,
            double topSeconds, double totalSeconds) {

        String describe() {
            if (loadedAt.equals(Instant.EPOCH)) {
                return method;
            }
            return String.format(Locale.ROOT,
                    "%s at %s in %.0f s (%.0f s writing SSTables, %.0f s nodetool import, %.0f s top-N rows through the driver)",
                    method, loadedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), totalSeconds, writeSeconds,
                    importSeconds, topSeconds);
        }
    }

    /** The load recorded in the keyspace, if it is complete and of this size; else null. */
    private LoadInfo existingLoad(CqlSession session, Path dir) throws IOException {
        Row marker = session.execute(
                "SELECT click_minute, count FROM " + keyspace + "." + AdClickTables.COUNTS.name() + " WHERE ad_id = ? AND filter_id = ?",
                MARKER_AD, FILTER).one();
        if (marker == null || marker.getLong("count") != ads) {
            return null;
        }
        long lastAdRows = session.execute(
                "SELECT count(*) FROM " + keyspace + "." + AdClickTables.COUNTS.name() + " WHERE ad_id = ? AND filter_id = ?",
                ClickModel.adId(ads), FILTER).one().getLong(0);
        Row latest = session.execute(
                "SELECT window_end FROM " + keyspace + "." + AdClickTables.TOP_ADS_LATEST.name() + " WHERE filter_id = ? AND window_minutes = ?",
                FILTER, WINDOWS.get(WINDOWS.size() - 1)).one();
        if (lastAdRows != MINUTES || latest == null) {
            return null;
        }
        LocalDate day = LocalDate.ofInstant(marker.getInstant("click_minute"), ZoneOffset.UTC);
        Path file = loadFile(dir);
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
            if (day.toString().equals(p.getProperty("day")) && Integer.toString(ads).equals(p.getProperty("ads"))) {
                return new LoadInfo(day, Long.parseLong(p.getProperty("rows")), p.getProperty("method"),
                        Instant.parse(p.getProperty("loadedAt")), Double.parseDouble(p.getProperty("writeSeconds")),
                        Double.parseDouble(p.getProperty("importSeconds")), Double.parseDouble(p.getProperty("topSeconds")),
                        Double.parseDouble(p.getProperty("totalSeconds")));
            }
        }
        return new LoadInfo(day, (long) ads * MINUTES, "loaded earlier (how and how long not recorded)", Instant.EPOCH, 0, 0, 0, 0);
    }

    private Path loadFile(Path dir) {
        return dir.resolve("load-" + keyspace + ".properties");
    }

    /** Loads yesterday (UTC) into the keyspace: SSTables written offline, imported, then top-N rows and the marker. */
    private LoadInfo loadData(TallyHome home, LocalStack stack, CqlSession session, Path dir) throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        long rows = (long) ads * MINUTES;
        step(String.format(Locale.ROOT, "Loading %,d rows of %s.ad_click_counts (%,d ads x %,d minutes of %s, filter %d)",
                rows, keyspace, ads, MINUTES, day, FILTER));
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
        String ownClasspath = Paths.get(DashboardBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path toolConfig = writeToolConfig(dir.resolve("writer"));
        List<String> writer = new ArrayList<>(List.of(java(), "-Xmx1g", "-Dcassandra.config=" + toolConfig.toUri(),
                "-Dlogback.configurationFile=" + logback.toUri()));
        writer.addAll(TOOL_JVM_FLAGS);
        writer.addAll(List.of("-cp", ownClasspath + java.io.File.pathSeparator + cassandraClasspath,
                SSTableWriterMain.class.getName(), keyspace, createTable, insert, Integer.toString(ads),
                Long.toString(dayStart.toEpochMilli()), out.toString(), Integer.toString(writers)));
        run(writer, dir, "the SSTable writer");
        double writeSeconds = seconds(begin);

        long importBegin = System.nanoTime();
        // user.home: nodetool keeps its history under ~/.cassandra; keep it with the bench's files.
        List<String> nodetool = new ArrayList<>(List.of(java(), "-Xmx256m", "-Duser.home=" + dir,
                "-Dlogback.configurationFile=" + logback.toUri()));
        nodetool.addAll(TOOL_JVM_FLAGS);
        nodetool.addAll(List.of("-cp", cassandraClasspath, "org.apache.cassandra.tools.NodeTool",
                "-h", "127.0.0.1", "-p", Integer.toString(stack.settings().cassandraJmxPort()),
                "import", keyspace, "ad_click_counts"));
        for (int w = 0; w < writers; w++) {
            nodetool.add(SSTableWriterMain.partDir(out, w, keyspace).toString());
        }
        System.out.println("  nodetool import " + keyspace + " ad_click_counts <" + writers + " directories under " + out + ">");
        run(nodetool, dir, "nodetool import");
        // nodetool import exits 0 even when it skipped every SSTable (e.g. a version the node does not read).
        try (Stream<Path> left = Files.walk(out)) {
            List<Path> notImported = left.filter(p -> p.toString().endsWith("-Data.db")).toList();
            if (!notImported.isEmpty()) {
                throw new IllegalStateException("nodetool import left " + notImported.size() + " SSTable(s) behind, e.g. "
                        + notImported.get(0) + "; see " + stack.cassandra().process().logFile());
            }
        }
        double importSeconds = seconds(importBegin);

        long topBegin = System.nanoTime();
        ClickModel model = new ClickModel(ads);
        int topRows = writeTopLists(session, model, dayStart);
        double topSeconds = seconds(topBegin);

        checkLoaded(session, model, dayStart);
        session.execute(AdClickTables.COUNTS.insertCql(keyspace),
                AdClickTables.COUNTS.insertValues(new AdClickCount(MARKER_AD, FILTER, dayStart.toEpochMilli(), (long) ads)));
        LoadInfo info = new LoadInfo(day, rows,
                "written as SSTables by " + writers + " CQLSSTableWriter(s) (sorted) and loaded with nodetool import",
                Instant.now(), writeSeconds, importSeconds, topSeconds, seconds(begin));
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
        try (Writer w = Files.newBufferedWriter(loadFile(dir))) {
            p.store(w, "Data set of 'tally bench dashboard' in keyspace " + keyspace);
        }
        return info;
    }

    /** top_ads for every window end of the day and each window size, and top_ads_latest as the job writes them. */
    private int writeTopLists(CqlSession session, ClickModel model, Instant dayStart) throws Exception {
        PreparedStatement top = session.prepare(AdClickTables.TOP_ADS.insertCql(keyspace));
        PreparedStatement latest = session.prepare(AdClickTables.TOP_ADS_LATEST.insertCql(keyspace));
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        int written = 0;
        for (int window : WINDOWS) {
            for (int end = 1; end <= MINUTES; end++) {
                ClickModel.TopList list = model.top(window, end);
                Instant windowEnd = dayStart.plusSeconds(60L * end);
                Instant windowStart = windowEnd.minusSeconds(60L * window);
                List<AdCount> ads = new ArrayList<>(list.adIds().size());
                for (int i = 0; i < list.adIds().size(); i++) {
                    ads.add(new AdCount(list.adIds().get(i), list.counts().get(i)));
                }
                TopAds lists = new TopAds(FILTER, window, windowStart.toEpochMilli(), windowEnd.toEpochMilli(), ads);
                List<BoundStatement> statements = new ArrayList<>();
                statements.add(top.bind(AdClickTables.TOP_ADS.insertValues(lists)));
                if (end == MINUTES) {
                    statements.add(latest.bind(AdClickTables.TOP_ADS_LATEST.insertValues(lists)));
                }
                for (BoundStatement statement : statements) {
                    inFlight.acquire();
                    CompletionStage<?> write = session.executeAsync(statement);
                    writes.add(write.whenComplete((r, e) -> inFlight.release()).toCompletableFuture());
                    written++;
                }
            }
        }
        CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
        return written;
    }

    /** Fails unless the last ad has every minute and the first ad's day sums to the model's. */
    private void checkLoaded(CqlSession session, ClickModel model, Instant dayStart) {
        String last = ClickModel.adId(ads);
        long rows = session.execute("SELECT count(*) FROM " + keyspace + "." + AdClickTables.COUNTS.name() + " WHERE ad_id = ? AND filter_id = ?",
                last, FILTER).one().getLong(0);
        Row sum = session.execute("SELECT sum(count) FROM " + keyspace + "." + AdClickTables.COUNTS.name() + " WHERE ad_id = ? AND filter_id = ?"
                + " AND click_minute >= ? AND click_minute < ?", ClickModel.adId(1), FILTER, dayStart,
                dayStart.plusSeconds(60L * MINUTES)).one();
        long expected = model.sum(1, 0, MINUTES);
        if (rows != MINUTES || sum == null || sum.getLong(0) != expected) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "The load is incomplete: %s has %d of %d minutes; %s sums to %s, expected %d", last, rows, MINUTES,
                    ClickModel.adId(1), sum == null ? "nothing" : Long.toString(sum.getLong(0)), expected));
        }
    }

    /** Runs a tool JVM in {@code dir} (where anything it writes on its own lands), its output on ours. */
    private static void run(List<String> command, Path dir, String what) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
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
        return Files.writeString(dir.resolve("cassandra.yaml"), String.join("\n",
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
        return Files.writeString(dir.resolve("logback-tools.xml"), String.join("\n",
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

    // ---------------------------------------------------------------------------------------------
    // The load

    /** Latencies (every request of the measured run, errors included) and errors of one query. */
    static final class QueryStats {
        final String label;
        private long[] latencies = new long[1024];
        private int count;
        private long errors;
        private long sent;
        private long lastDone;
        /** From the first scheduled send of the measured run to the last answer. */
        private double elapsedSeconds;
        private final List<String> errorSamples = new ArrayList<>();

        QueryStats(String label) {
            this.label = label;
        }

        synchronized void sent() {
            sent++;
        }

        synchronized long errors() {
            return errors;
        }

        synchronized void done(long latencyNanos, long doneNanos, String error) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = latencyNanos;
            lastDone = Math.max(lastDone, doneNanos);
            if (error != null) {
                errors++;
                if (errorSamples.size() < 5) {
                    errorSamples.add(error);
                }
            }
        }

        synchronized long[] sorted() {
            long[] values = Arrays.copyOf(latencies, count);
            Arrays.sort(values);
            return values;
        }

        static QueryStats merged(String label, List<QueryStats> parts) {
            QueryStats all = new QueryStats(label);
            for (QueryStats part : parts) {
                synchronized (part) {
                    for (int i = 0; i < part.count; i++) {
                        all.done(part.latencies[i], part.lastDone, null);
                    }
                    all.errors += part.errors;
                    all.sent += part.sent;
                }
            }
            return all;
        }
    }

    /** The measured queries (each, then both together) and how far the sender fell behind its schedule. */
    record Drive(List<QueryStats> stats, double maxSendLagMillis) {}

    /** One planned request: what to send and how to check the answer (null when right, else what is wrong). */
    private record Planned(QueryStats stats, HttpRequest request, Function<JsonNode, String> check) {}

    /** Sends requests at fixed intervals whatever the answers do (open loop), on java.net.http's async client. */
    private final class LoadDriver {
        private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
        private final String base;
        private final ClickModel model;
        private final Instant day;
        private final Random random = new Random(20261123L);
        private final ObjectMapper json = new ObjectMapper();
        private final QueryStats aggregated = new QueryStats("GET /v1/ads/{ad_id}/aggregated_count");
        private final QueryStats popular = new QueryStats("GET /v1/ads/popular_ads");
        private final QueryStats warmup = new QueryStats("warm-up");
        private final ClickModel.TopList[] latestTop = new ClickModel.TopList[WINDOWS.size()];
        private long maxSendLagNanos;

        LoadDriver(int port, ClickModel model, Instant day) {
            this.base = "http://127.0.0.1:" + port;
            this.model = model;
            this.day = day;
            for (int i = 0; i < WINDOWS.size(); i++) {
                latestTop[i] = model.top(WINDOWS.get(i), MINUTES);
            }
        }

        Drive run() throws Exception {
            // Two threads handle the answers: the default pool grows a thread per overlap and takes CPU from the server.
            ExecutorService clientThreads = Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "bench-http-client");
                thread.setDaemon(true);
                return thread;
            });
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(clientThreads)
                    .build();
            long warmupRequests = (long) warmupSeconds * rate;
            long total = warmupRequests + (long) seconds * rate;
            List<CompletableFuture<Void>> pending = new ArrayList<>((int) total);
            long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long measureBegin = begin + warmupRequests * 1_000_000_000L / rate;
            for (long i = 0; i < total; i++) {
                boolean measured = i >= warmupRequests;
                Planned planned = i % 2 == 0 ? aggregatedCount() : popularAds();
                QueryStats stats = measured ? planned.stats() : warmup;
                long scheduled = begin + i * 1_000_000_000L / rate;
                long now;
                while ((now = System.nanoTime()) < scheduled) {
                    LockSupport.parkNanos(scheduled - now);
                }
                if (measured) {
                    maxSendLagNanos = Math.max(maxSendLagNanos, now - scheduled);
                }
                stats.sent();
                pending.add(client.sendAsync(planned.request(), HttpResponse.BodyHandlers.ofString())
                        .handle((response, failure) -> {
                            long done = System.nanoTime();
                            stats.done(done - scheduled, done, check(planned, response, failure));
                            return null;
                        }));
                if (i == warmupRequests) {
                    System.out.println("  warm-up sent (" + warmup.errors() + " errors so far); measuring for " + seconds + " s");
                } else if (measured && (i - warmupRequests) % (10L * rate) == 0 && i > warmupRequests) {
                    System.out.printf(Locale.ROOT, "  %d s measured, %d errors so far%n",
                            (i - warmupRequests) / rate, aggregated.errors() + popular.errors());
                }
            }
            try {
                CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.out.println("  some requests did not finish within 60 s of the last send; they are not counted");
            } finally {
                clientThreads.shutdownNow();
            }
            List<QueryStats> result = new ArrayList<>(List.of(aggregated, popular));
            result.add(QueryStats.merged("both", List.of(aggregated, popular)));
            for (QueryStats s : result) {
                synchronized (s) {
                    s.elapsedSeconds = (Math.max(s.lastDone, measureBegin) - measureBegin) / 1e9;
                }
            }
            return new Drive(result, maxSendLagNanos / 1e6);
        }

        private String check(Planned planned, HttpResponse<String> response, Throwable failure) {
            if (failure != null) {
                return failure.getClass().getSimpleName() + ": " + failure.getMessage();
            }
            if (response.statusCode() != 200) {
                return "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
            }
            try {
                return planned.check().apply(json.readTree(response.body()));
            } catch (IOException | RuntimeException e) {
                return "unreadable answer (" + e.getMessage() + "): " + abbreviate(response.body());
            }
        }

        /** A uniformly random ad, a random range of 1 to 60 minutes inside the day; the answer must be the exact sum. */
        private Planned aggregatedCount() {
            int rank = 1 + random.nextInt(ads);
            int length = 1 + random.nextInt(60);
            int from = random.nextInt(MINUTES - length + 1);
            long expected = model.sum(rank, from, from + length);
            String adId = ClickModel.adId(rank);
            URI uri = URI.create(base + "/v1/ads/" + adId + "/aggregated_count?from="
                    + MINUTE.format(day.plusSeconds(60L * from)) + "&to=" + MINUTE.format(day.plusSeconds(60L * (from + length)))
                    + "&filter=" + FILTER);
            return new Planned(aggregated, request(uri), body -> {
                JsonNode count = body.get("count");
                if (count == null || !count.canConvertToLong()) {
                    return "no count: " + abbreviate(body.toString());
                }
                return count.asLong() == expected ? null : adId + " count " + count.asLong() + ", expected " + expected;
            });
        }

        /** count 10 or 100, window 1, 5 or 60: the answer must be the day's last window and its top list. */
        private Planned popularAds() {
            int count = random.nextBoolean() ? 10 : 100;
            int w = random.nextInt(WINDOWS.size());
            int window = WINDOWS.get(w);
            List<String> expected = latestTop[w].adIds().subList(0, Math.min(count, latestTop[w].adIds().size()));
            String windowEnd = day.plusSeconds(60L * MINUTES).toString();
            URI uri = URI.create(base + "/v1/ads/popular_ads?count=" + count + "&window=" + window + "&filter=" + FILTER);
            return new Planned(popular, request(uri), body -> {
                JsonNode list = body.get("ads");
                JsonNode ids = body.get("ad_ids");
                if (list == null || !list.isArray() || ids == null || !ids.isArray()) {
                    return "no ads: " + abbreviate(body.toString());
                }
                List<String> got = new ArrayList<>();
                ids.forEach(id -> got.add(id.asText()));
                if (list.size() != expected.size() || !got.equals(expected)) {
                    return "window " + window + " count " + count + ": " + got.size() + " ads, not the expected list";
                }
                return windowEnd.equals(body.path("window_end").asText()) ? null
                        : "window_end " + body.path("window_end").asText() + ", expected " + windowEnd;
            });
        }

        private static HttpRequest request(URI uri) {
            return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        }

        private static String abbreviate(String text) {
            return text.length() <= 200 ? text : text.substring(0, 200) + "...";
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The report

    private String render(Drive drive, LoadInfo load) {
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(command()).append("`  \n");
        out.append("Run: ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" on ")
                .append(BenchCommand.machine()).append("  \n");
        out.append(String.format(Locale.ROOT,
                "Data: keyspace %s, UTC day %s: %,d rows of ad_click_counts (%,d ads x %,d minutes, filter %d; count per minute"
                        + " max(1, round(1000 / rank^1.1 x a seeded factor in [0.9, 1.1)))), plus top_ads for every minute's"
                        + " window end of windows %s (top %d) and the 3 top_ads_latest rows; %s.  %n",
                keyspace, load.day(), load.rows(), ads, MINUTES, FILTER, WINDOWS, TOP_N, load.describe()));
        out.append(String.format(Locale.ROOT,
                "Load: %d requests/s in total (half aggregated_count, half popular_ads), open loop (sent at fixed intervals"
                        + " whatever the answers; latency from the scheduled send time to the whole answer, errors included),"
                        + " %d s measured after a %d s warm-up; java.net.http client and the dashboard server (Javalin, one"
                        + " Cassandra session) in one JVM beside the stack. aggregated_count: a uniformly random ad of %,d and a"
                        + " random range of 1 to 60 minutes inside the day, the count checked against the exact sum; popular_ads:"
                        + " count 10 or 100, window 1, 5 or 60, the ad list and window_end checked. Largest lag of the sender"
                        + " behind its schedule: %.1f ms.%n%n",
                rate, seconds, warmupSeconds, ads, drive.maxSendLagMillis()));
        out.append("| query | requests | errors | p50 ms | p90 ms | p99 ms | max ms | achieved req/s |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (QueryStats s : drive.stats()) {
            long[] v = s.sorted();
            double elapsedSeconds = s.elapsedSeconds;
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s | %s | %.1f |%n",
                    s.label.startsWith("GET") ? "`" + s.label + "`" : s.label, s.sent, s.errors,
                    millis(percentile(v, 0.50)), millis(percentile(v, 0.90)), millis(percentile(v, 0.99)),
                    millis(v.length == 0 ? -1 : v[v.length - 1]), elapsedSeconds > 0 ? v.length / elapsedSeconds : 0.0));
        }
        for (QueryStats s : drive.stats().subList(0, 2)) {
            synchronized (s) {
                for (String error : s.errorSamples) {
                    out.append("\nError sample (").append(s.label).append("): ").append(error.replace('|', '/'));
                }
            }
        }
        return out.toString();
    }

    private String command() {
        ParseResult parsed = spec.root().commandLine().getParseResult();
        List<String> args = parsed != null ? parsed.originalArgs() : List.of("bench", "dashboard");
        return "./tally " + String.join(" ", args);
    }

    /** The value at quantile q of sorted values (nearest rank), or -1 when there are none. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void step(String text) {
        System.out.println();
        System.out.println("== " + text);
    }

    // ---------------------------------------------------------------------------------------------
    // The model of the data, shared with the SSTable writer's JVM (so JDK classes only)

    /**
     * The data set: ad of rank r (ad id as the load generator formats it, {@code ad%07d} of r) has in every minute m of
     * the day max(1, round(1000 / r^1.1 x f)) clicks, f in [0.9, 1.1) from a seeded hash of (r, m).
     */
    static final class ClickModel {
        private static final long SEED = 0x7A11_DA5B_0000_0005L;
        /**
         * Ranks that can reach a top 100: every minute, rank <= 100 has at least round(6.31 x 0.9) = 6 clicks and rank
         * > 200 at most round(2.92 x 1.1) = 3, so no ad beyond rank 200 enters any window's top 100.
         */
        private static final int TOP_CANDIDATES = 1000;

        private final int ads;
        private final double[] base;
        private long[][] prefix;

        ClickModel(int ads) {
            this.ads = ads;
            this.base = new double[ads + 1];
            for (int r = 1; r <= ads; r++) {
                base[r] = 1000.0 / StrictMath.pow(r, 1.1);
            }
        }

        static String adId(int rank) {
            return String.format(Locale.ROOT, "ad%07d", rank);
        }

        long count(int rank, int minute) {
            long h = rank * 0x9E3779B97F4A7C15L + minute * 0xC2B2AE3D27D4EB4FL + SEED;
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            double factor = 0.9 + 0.2 * ((h >>> 11) * 0x1.0p-53);
            return Math.max(1L, Math.round(base[rank] * factor));
        }

        /** Clicks of an ad in minutes [from, to) of the day. */
        long sum(int rank, int from, int to) {
            long sum = 0;
            for (int m = from; m < to; m++) {
                sum += count(rank, m);
            }
            return sum;
        }

        /** An ordered top list. */
        record TopList(List<String> adIds, List<Long> counts) {}

        /** The top ads of the window of {@code window} minutes ending at minute {@code end} (1 to 1,440) of the day. */
        synchronized TopList top(int window, int end) {
            int candidates = Math.min(ads, TOP_CANDIDATES);
            if (prefix == null) {
                prefix = new long[candidates + 1][MINUTES + 1];
                for (int r = 1; r <= candidates; r++) {
                    for (int m = 0; m < MINUTES; m++) {
                        prefix[r][m + 1] = prefix[r][m] + count(r, m);
                    }
                }
            }
            int from = Math.max(0, end - window);
            Integer[] ranks = new Integer[candidates];
            long[] sums = new long[candidates + 1];
            for (int r = 1; r <= candidates; r++) {
                ranks[r - 1] = r;
                sums[r] = prefix[r][end] - prefix[r][from];
            }
            // The job's order: count descending, then ad id ascending (ids are zero-padded, so rank ascending).
            Arrays.sort(ranks, (a, b) -> sums[a] != sums[b] ? Long.compare(sums[b], sums[a]) : Integer.compare(a, b));
            List<String> ids = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (int i = 0; i < Math.min(TOP_N, candidates); i++) {
                ids.add(adId(ranks[i]));
                counts.add(sums[ranks[i]]);
            }
            return new TopList(List.copyOf(ids), List.copyOf(counts));
        }
    }

    /**
     * Writes the day of ad_click_counts as SSTables, in its own JVM on Cassandra's classpath (cassandra-all and the
     * DataStax driver do not share a classpath), configured by {@code -Dcassandra.config}. Calls CQLSSTableWriter by
     * reflection so the CLI does not compile against cassandra-all. Partitions go in token order, each writer a
     * contiguous share of the ring, so the SSTables do not overlap (and, fewer than four, need no compaction).
     *
     * <p>Arguments: keyspace, CREATE TABLE statement, INSERT statement, ads, day start (epoch ms), output folder, writers.
     */
    static final class SSTableWriterMain {
        static Path partDir(Path out, int part, String keyspace) {
            // keyspace/table folders, as Cassandra's tools expect of SSTable paths.
            return out.resolve("part-" + part).resolve(keyspace).resolve("ad_click_counts");
        }

        public static void main(String[] args) {
            try {
                write(args[0], args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]), Path.of(args[5]),
                        Integer.parseInt(args[6]));
                System.exit(0);
            } catch (Throwable e) {
                e.printStackTrace();
                System.exit(1);
            }
        }

        private static void write(String keyspace, String createTable, String insert, int ads, long dayStartMillis, Path out,
                int writers)
                throws Exception {
            long begin = System.nanoTime();
            // As an offline tool, with the configuration in -Dcassandra.config (see writeToolConfig); the writer's own
            // client-mode initialization then does nothing.
            Class.forName("org.apache.cassandra.config.DatabaseDescriptor").getMethod("toolInitialization").invoke(null);
            Class<?> writerClass = Class.forName("org.apache.cassandra.io.sstable.CQLSSTableWriter");
            Object partitioner = Class.forName("org.apache.cassandra.dht.Murmur3Partitioner").getField("instance").get(null);
            java.lang.reflect.Method getToken = partitioner.getClass().getMethod("getToken", ByteBuffer.class);
            java.lang.reflect.Method tokenValue = Class.forName("org.apache.cassandra.dht.Token").getMethod("getTokenValue");

            byte[][] ids = new byte[ads + 1][];
            long[] tokens = new long[ads + 1];
            for (int r = 1; r <= ads; r++) {
                ids[r] = ClickModel.adId(r).getBytes(StandardCharsets.UTF_8);
                tokens[r] = (Long) tokenValue.invoke(getToken.invoke(partitioner, partitionKey(ids[r])));
            }
            Integer[] order = new Integer[ads];
            for (int r = 1; r <= ads; r++) {
                order[r - 1] = r;
            }
            // Partitioner order: token, then key bytes (never needed in practice; 64-bit tokens of 100,000 keys).
            Arrays.sort(order, (a, b) -> tokens[a] != tokens[b] ? Long.compare(tokens[a], tokens[b])
                    : Arrays.compareUnsigned(partitionKey(ids[a]).array(), partitionKey(ids[b]).array()));

            List<Object> sstableWriters = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Path dir = Files.createDirectories(partDir(out, w, keyspace));
                Object builder = writerClass.getMethod("builder").invoke(null);
                Class<?> b = builder.getClass();
                b.getMethod("inDirectory", String.class).invoke(builder, dir.toString());
                b.getMethod("forTable", String.class).invoke(builder, createTable);
                b.getMethod("using", String.class).invoke(builder, insert);
                b.getMethod("sorted").invoke(builder);
                sstableWriters.add(b.getMethod("build").invoke(builder));
            }
            java.lang.reflect.Method rawAddRow = writerClass.getMethod("rawAddRow", List.class);
            java.lang.reflect.Method close = writerClass.getMethod("close");

            ClickModel model = new ClickModel(ads);
            AtomicLong rows = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> parts = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Object writer = sstableWriters.get(w);
                int first = (int) ((long) ads * w / writers);
                int last = (int) ((long) ads * (w + 1) / writers);
                parts.add(pool.submit(() -> {
                    ByteBuffer filter = ByteBuffer.allocate(4).putInt(0, FILTER);
                    for (int i = first; i < last; i++) {
                        int rank = order[i];
                        ByteBuffer adId = ByteBuffer.wrap(ids[rank]);
                        // Clustering order is click_minute DESC: newest first.
                        for (int m = MINUTES - 1; m >= 0; m--) {
                            ByteBuffer minute = ByteBuffer.allocate(8).putLong(0, dayStartMillis + 60_000L * m);
                            ByteBuffer count = ByteBuffer.allocate(8).putLong(0, model.count(rank, m));
                            rawAddRow.invoke(writer, List.of(adId.duplicate(), filter.duplicate(), minute, count));
                        }
                        rows.addAndGet(MINUTES);
                    }
                    close.invoke(writer);
                    return null;
                }));
            }
            pool.shutdown();
            long total = (long) ads * MINUTES;
            while (!pool.awaitTermination(15, TimeUnit.SECONDS)) {
                double s = (System.nanoTime() - begin) / 1e9;
                System.out.printf(Locale.ROOT, "  %,d of %,d rows written (%.0f%%, %,.0f rows/s)%n",
                        rows.get(), total, 100.0 * rows.get() / total, rows.get() / s);
            }
            for (Future<?> part : parts) {
                part.get();
            }
            double s = (System.nanoTime() - begin) / 1e9;
            System.out.printf(Locale.ROOT, "  %,d rows written as SSTables in %.0f s (%,.0f rows/s)%n", rows.get(), s, rows.get() / s);
        }

        /** The serialized (ad_id, filter_id) partition key: each component as length, bytes, end-of-component 0. */
        private static ByteBuffer partitionKey(byte[] adId) {
            ByteBuffer key = ByteBuffer.allocate(2 + adId.length + 1 + 2 + 4 + 1);
            key.putShort((short) adId.length).put(adId).put((byte) 0);
            key.putShort((short) 4).putInt(FILTER).put((byte) 0);
            key.flip();
            return key;
        }
    }
}
