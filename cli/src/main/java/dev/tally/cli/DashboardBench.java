package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.dashboard.DashboardServer;
import dev.tally.stack.CassandraService;
import dev.tally.stack.LocalStack;
import dev.tally.stack.Ports;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code tally bench dashboard}: p50/p99 latency of two queries of the query API at a fixed, open-loop
 * request rate: the ad queries over one day of per-minute counts for 100,000 ads, or ({@code --job
 * leaderboard}) the top players and a player's neighbours in a tournament of 1,000,000 players.
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
            "time. With --job leaderboard: load --players players of one tournament (their scores, the order table,",
            "the histogram, the top 100) and drive /v1/scores and /v1/scores/{user_id}?neighbours=4 the same way.",
            "Prints a table and writes it into BENCHMARKS.md."
        })
final class DashboardBench implements Callable<Integer> {

    static final String SECTION = "bench dashboard";

    @Option(names = "--job", description = "Whose queries: ad-clicks or leaderboard (default: ${DEFAULT-VALUE}).")
    String job = "ad-clicks";

    @Option(names = "--ads", description = "Ads in the data set (default: ${DEFAULT-VALUE}).")
    int ads = 100_000;

    @Option(names = "--players", description = "Players in the leaderboard data set (default: ${DEFAULT-VALUE}).")
    int players = 1_000_000;

    @Option(
            names = "--rate",
            description = "Requests per second in total, half of each query (default: ${DEFAULT-VALUE}).")
    int rate = 200;

    @Option(names = "--seconds", description = "Length of the measured run (default: ${DEFAULT-VALUE}).")
    int seconds = 60;

    @Option(
            names = "--warmup-seconds",
            description =
                    "Shortest warm-up at the same rate; it goes on until the JIT has settled (default: ${DEFAULT-VALUE}).")
    int warmupSeconds = 10;

    @Option(
            names = "--max-warmup-seconds",
            description = "Longest warm-up, settled or not (default: ${DEFAULT-VALUE}).")
    int maxWarmupSeconds = 180;

    @Option(
            names = "--runs",
            description =
                    "Measured runs of --seconds each, back to back; each is reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--keyspace", description = "Keyspace of the data set (default: ${DEFAULT-VALUE}).")
    String keyspace = "dashbench";

    @Option(names = "--writers", description = "Parallel SSTable writers while loading (default: ${DEFAULT-VALUE}).")
    int writers = 2;

    @Option(names = "--reload", description = "Load the data set again even when the keyspace already holds it.")
    boolean reload;

    @Option(
            names = "--report",
            description = "Markdown file to write the results into (default: BENCHMARKS.md at the repository root).")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (ads < 1
                || ads > 9_999_999
                || players < 10
                || players > 9_999_999
                || rate < 2
                || seconds < 1
                || warmupSeconds < 0
                || writers < 1
                || runs < 1) {
            throw new IllegalArgumentException(
                    "--ads must be 1 to 9,999,999, --players 10 to 9,999,999, --rate at least"
                            + " 2, --seconds, --writers and --runs at least 1");
        }
        if (!job.equals("ad-clicks") && !job.equals("leaderboard")) {
            throw new IllegalArgumentException("--job must be ad-clicks or leaderboard, not " + job);
        }
        TallyHome home = TallyHome.locate();
        LocalStack stack = LocalStack.ofCheckout(home);
        stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(4), Duration.ofMinutes(3));
        stack.cassandra().applySchema(keyspace);
        Loaded loaded = job.equals("leaderboard") ? loadLeaderboard(stack) : loadAdClicks(home, stack);

        int port = Ports.findFree();
        DashboardLoadDriver.Drive drive;
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                "127.0.0.1",
                port,
                stack.cassandra().contactPoint(),
                CassandraService.LOCAL_DATACENTER,
                keyspace,
                ClickModel.WINDOWS,
                ClickModel.TOP_N,
                Map.of()))) {
            BenchCommand.step(String.format(
                    Locale.ROOT,
                    "Driving http://127.0.0.1:%d%s at %d requests/s: warm-up (%d to %d s, until the JIT settles), then %d x %d s measured",
                    server.port(),
                    loaded.workload().labels().get(0).substring(4),
                    rate,
                    warmupSeconds,
                    maxWarmupSeconds,
                    runs,
                    seconds));
            drive = new DashboardLoadDriver(
                            server.port(), loaded.workload(), rate, warmupSeconds, maxWarmupSeconds, seconds)
                    .run(runs);
        }
        String table = render(drive, loaded);
        System.out.println();
        System.out.println(table);
        BenchCommand.writeReport(
                BenchCommand.reportFile(home, report),
                job.equals("leaderboard") ? SECTION + " leaderboard" : SECTION,
                table);
        return 0;
    }

    /** The data set's queries and the report's line on the data. */
    private record Loaded(DashboardWorkload workload, String data) {}

    private Loaded loadLeaderboard(LocalStack stack) throws InterruptedException {
        LeaderboardApiDataSet data = new LeaderboardApiDataSet(players);
        try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(120))) {
            if (!reload && data.loadedIn(session, keyspace)) {
                BenchCommand.step("Keyspace " + keyspace
                        + " already holds the leaderboard data set; not reloading (--reload" + " does)");
            } else {
                BenchCommand.step(String.format(Locale.ROOT, "Loading %,d players into %s", players, keyspace));
                data.load(session, keyspace);
            }
        }
        return new Loaded(new LeaderboardWorkload(data), data.describe(keyspace) + ".");
    }

    private Loaded loadAdClicks(TallyHome home, LocalStack stack) throws Exception {
        DashboardDataSet data = new DashboardDataSet(
                keyspace,
                ads,
                writers,
                Files.createDirectories(home.stackDir().resolve("bench").resolve("dashboard")));

        DashboardDataSet.LoadInfo load;
        try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(120))) {
            load = reload ? null : data.existing(session);
            if (load == null) {
                load = data.load(home, stack, session);
            } else {
                BenchCommand.step("Keyspace " + keyspace + " already holds the data set of " + load.day()
                        + "; not reloading (--reload does)");
            }
        }
        ClickModel model = new ClickModel(ads);
        Instant day = load.day().atStartOfDay(ZoneOffset.UTC).toInstant();
        return new Loaded(
                new AdClickWorkload(model, day, ads),
                String.format(
                        Locale.ROOT,
                        "keyspace %s, UTC day %s: %,d rows of ad_click_counts (%,d ads x %,d minutes, filter %d; count per minute"
                                + " max(1, round(1000 / rank^1.1 x a seeded factor in [0.9, 1.1)))), plus top_ads for every"
                                + " minute's window end of windows %s (top %d) and the 3 top_ads_latest rows; %s.",
                        keyspace,
                        load.day(),
                        load.rows(),
                        ads,
                        ClickModel.MINUTES,
                        ClickModel.FILTER,
                        ClickModel.WINDOWS,
                        ClickModel.TOP_N,
                        load.describe()));
    }

    private String render(DashboardLoadDriver.Drive drive, Loaded loaded) {
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(command()).append("`  \n");
        out.append("Run: ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append(" on ")
                .append(BenchCommand.machine())
                .append("  \n");
        out.append("Data: ").append(loaded.data()).append("  \n");
        out.append(String.format(
                Locale.ROOT,
                "Load: %d requests/s in total (half each query), open loop (sent at fixed intervals whatever the answers;"
                        + " latency from the scheduled send time to the whole answer, errors included); a warm-up of %.0f s (at"
                        + " least %d s, then until the JIT compiled less than %d ms in %d s: %s), then %d run(s) of %d s back"
                        + " to back, each reported; java.net.http client and the dashboard server (Javalin, one Cassandra"
                        + " session) in one JVM beside the stack. %s%n%n",
                rate,
                drive.warmupSeconds(),
                warmupSeconds,
                DashboardLoadDriver.SETTLED_COMPILE_MILLIS,
                DashboardLoadDriver.SETTLE_SECONDS,
                drive.settled() ? "settled" : "NOT settled within --max-warmup-seconds",
                runs,
                seconds,
                loaded.workload().describeQueries()));
        out.append(
                "| run | query | requests | errors | p50 ms | p90 ms | p99 ms | max ms | achieved req/s | sender lag max ms | JIT ms |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        out.append(row("warm-up", drive.warmup(), "", ""));
        List<Long> p99s = new ArrayList<>();
        for (int r = 0; r < drive.runs().size(); r++) {
            DashboardLoadDriver.Run run = drive.runs().get(r);
            for (DashboardLoadDriver.QueryStats s : run.stats()) {
                boolean both = s.label.equals("both");
                out.append(row(
                        Integer.toString(r + 1),
                        s,
                        both ? String.format(Locale.ROOT, "%.1f", run.maxSendLagMillis()) : "",
                        both ? Long.toString(run.compileMillis()) : ""));
                if (both) {
                    p99s.add(percentile(s.sorted(), 0.99));
                }
            }
        }
        List<Long> sorted = p99s.stream().sorted().toList();
        out.append(String.format(
                Locale.ROOT,
                "%np99 of both queries per run: %s ms; median %s ms.%n",
                String.join(", ", p99s.stream().map(DashboardBench::millis).toList()),
                millis(sorted.get(sorted.size() / 2))));
        for (DashboardLoadDriver.Run run : drive.runs()) {
            for (DashboardLoadDriver.QueryStats s : run.stats().subList(0, 2)) {
                synchronized (s) {
                    for (String error : s.errorSamples) {
                        out.append("\nError sample (")
                                .append(s.label)
                                .append("): ")
                                .append(error.replace('|', '/'));
                    }
                }
            }
        }
        return out.toString();
    }

    private static String row(String run, DashboardLoadDriver.QueryStats s, String sendLag, String compile) {
        long[] v = s.sorted();
        double elapsedSeconds = s.elapsedSeconds;
        return String.format(
                Locale.ROOT,
                "| %s | %s | %,d | %,d | %s | %s | %s | %s | %s | %s | %s |%n",
                run,
                s.label.startsWith("GET") ? "`" + s.label + "`" : s.label,
                s.sent,
                s.errors,
                millis(percentile(v, 0.50)),
                millis(percentile(v, 0.90)),
                millis(percentile(v, 0.99)),
                millis(v.length == 0 ? -1 : v[v.length - 1]),
                elapsedSeconds > 0 ? String.format(Locale.ROOT, "%.1f", v.length / elapsedSeconds) : "",
                sendLag,
                compile);
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
}
