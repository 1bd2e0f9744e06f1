package dev.tally.cli;

import dev.tally.loadgen.leaderboard.LeaderboardLoadgenCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "leaderboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Preload --events generated match results into a fresh topic, then on the same data and cluster measure:",
            "the raw Kafka consume rate (the ceiling); the leaderboard job as deployed (RocksDB, player scores,",
            "histogram and top K, exactly-once Kafka, Cassandra, archive) and with its results discarded; the",
            "scores and top K in Flink SQL (ROW_NUMBER deduplication, SUM, regular Top-N; no histogram or horizon,",
            "so it does less), with the same sinks and with results discarded; the books' design, Redis sorted sets",
            "(redis-server started on loopback, ZINCRBY per result, then ZREVRANGE and ZREVRANK latencies). Then, for",
            "each --latency-rates, the job as deployed fed live at that rate while a probe player's results are timed",
            "from their send until Cassandra shows them (its score row and its tournament's top list). Prints a",
            "table and writes it into BENCHMARKS.md."
        })
final class LeaderboardBench implements Callable<Integer> {
    private static final String JOB_ALL_SINKS = "job as deployed (scores, histogram, top 10), all sinks";
    private static final String JOB_DISCARDED = "job, results discarded";
    private static final String SQL_ALL_SINKS = "Flink SQL, scores and top 10 (no histogram), the same sinks";
    private static final String SQL_DISCARDED = "Flink SQL, results discarded";
    private static final String REDIS = "Redis sorted sets (ZINCRBY per result, pipelined by 1,000; AOF everysec)";
    private static final int REDIS_QUERIES = 20_000;
    private static final List<String> RESULT_TOPICS = List.of("--updates-topic", "--top-topic");
    private static final int GAMES = 2;
    // Event time advancing about as fast as the records are read at the target rate (25,000 results/s
    // of two-player matches), so a watermark step coalesces what it would live.
    private static final int MATCHES_PER_SECOND = 12_500;

    @Option(names = "--events", required = true, description = "Records to preload.")
    long events;

    @Option(names = "--players", description = "Distinct players, Zipf-active (default: ${DEFAULT-VALUE}).")
    int players = 1_000_000;

    @Option(
            names = "--skip-redis",
            description = "Do not run the Redis sorted-set version (it needs Debian's redis-server).")
    boolean skipRedis;

    @Mixin
    LatencyRunOptions latency = new LatencyRunOptions(List.of(2_500L, 25_000L), 60);

    @Mixin
    BenchRunOptions run;

    @Override
    public Integer call() throws Exception {
        return BenchSession.run(run.keepData, this::measure);
    }

    private int measure(BenchSession session) throws Exception {
        if (latency.only) {
            session.publish(run.report, "bench leaderboard latency", latencyTable(session));
            return 0;
        }
        String input = session.createInput("bench-match-results-" + session.run);
        double produceRate = session.preload(
                input,
                events,
                LeaderboardLoadgenCommand.of(session.endpoints(), input, events)
                        .population(players, GAMES, MATCHES_PER_SECOND));

        List<BenchCommand.Result> results = new ArrayList<>();
        results.add(session.rawConsume(input));
        results.add(session.runJob("leaderboard", "", JOB_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
        results.add(session.runJob("leaderboard", "", JOB_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
        if (!run.skipSql) {
            results.add(session.runJob(
                    "leaderboard-sql", "", SQL_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
            results.add(session.runJob(
                    "leaderboard-sql", "", SQL_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
        }
        RedisLeaderboard.Run redis = null;
        if (!skipRedis) {
            BenchCommand.step(REDIS + ": redis-server on loopback");
            try (RedisLeaderboard sortedSets = RedisLeaderboard.start(session.dir.resolve("redis"))) {
                redis = sortedSets.measure(session.endpoints().kafka(), input, REDIS, REDIS_QUERIES);
            }
            results.add(redis.apply());
        }

        StringBuilder table = new StringBuilder();
        table.append("Command: `./tally bench leaderboard --events ")
                .append(events)
                .append(" --players ")
                .append(players)
                .append(run.skipSql ? " --skip-sql" : "")
                .append(skipRedis ? " --skip-redis" : "")
                .append(latency.seconds > 0 ? "" : " --latency-seconds 0")
                .append("`  \n");
        table.append(BenchCommand.runLine());
        table.append(String.format(
                Locale.ROOT,
                "Data: %,d records: two-player matches of %,d Zipf-active players (and a bot) in %d games, %,d matches per"
                        + " second of event time; duplicates, corrections, late and stale re-sends and malformed records at the"
                        + " generator's rates; preloaded at %,.0f records/s.%n%n",
                events,
                players,
                GAMES,
                MATCHES_PER_SECOND,
                produceRate));
        table.append(BenchCommand.throughputTable(results));
        table.append(BenchCommand.sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
        if (redis != null) {
            table.append(String.format(
                    Locale.ROOT,
                    "%nThe job against Redis sorted sets on the same input (records/s ratio): %.2fx as deployed, %.2fx with results"
                            + " discarded. Redis applied the results of %d tournaments, with no dedup, corrections or event time;"
                            + " queries after it, %,d of each:%n%n",
                    results.get(1).rate() / redis.apply().rate(),
                    results.get(2).rate() / redis.apply().rate(),
                    redis.tournaments(),
                    REDIS_QUERIES));
            table.append(RedisLeaderboard.latencyLines(redis));
        }
        if (latency.seconds > 0) {
            table.append('\n').append(latencyTable(session));
        }
        session.publish(run.report, "bench leaderboard", table.toString());
        return 0;
    }

    private String latencyTable(BenchSession session) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "Latency (`%s`): the job as deployed, fed live (event time = wall"
                        + " time) by the generator at each rate for %d s, %,d Zipf-active players; meanwhile a probe player of a"
                        + " game of its own wins a match every %d ms, and its score row and top list are read every %d ms;"
                        + " checkpoints every %s.%n%n",
                latency.quoted(),
                latency.seconds,
                players,
                LeaderboardLatencyProbe.INTERVAL_MILLIS,
                LeaderboardLatencyProbe.POLL_MILLIS,
                latency.checkpoints()));
        table.append("| input records/s | probe: send to visible in Cassandra |\n|---:|---|\n");
        for (long rate : latency.rates) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %s |%n",
                    rate,
                    latencyRun(session, rate).describe()));
        }
        return table.toString();
    }

    /** One live run at {@code rate}: the job submitted unbounded, the load and the probe, then cancelled. */
    private LeaderboardLatencyProbe.Result latencyRun(BenchSession session, long rate) throws Exception {
        String name = "bench-leaderboard-latency-" + rate + "-" + session.run;
        BenchCommand.step(
                String.format(Locale.ROOT, "Latency at %,d records/s for %d s: %s", rate, latency.seconds, name));
        String input = session.createInput("bench-latency-match-results-" + rate + "-" + session.run);
        String keyspace = "b_" + session.run + "_latency_" + rate;
        LeaderboardLatencyProbe.Result result = session.live(
                        "leaderboard",
                        name,
                        keyspace,
                        latency.flinkOptions(),
                        session.jobArguments(name, keyspace, input, RESULT_TOPICS),
                        // Made when the job runs: a live feed's event time starts when it is made.
                        () -> LeaderboardLoadgenCommand.of(session.endpoints(), input, rate * latency.seconds)
                                .population(players, GAMES, rate / 2)
                                .live(rate)
                                .call(),
                        cql -> LeaderboardLatencyProbe.run(
                                session.endpoints().kafka(), cql, input, keyspace, latency.seconds, 60))
                .result();
        System.out.println("  " + result.describe());
        return result;
    }
}
