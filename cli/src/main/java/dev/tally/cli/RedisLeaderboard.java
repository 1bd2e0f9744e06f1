package dev.tally.cli;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.loadgen.TopicReader;
import dev.tally.schema.leaderboard.MatchResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ZRangeParams;

/**
 * The books' leaderboard on the benchmark's input: Redis sorted sets on a {@code redis-server} started
 * here on loopback (Debian's package, AOF with {@code appendfsync everysec}), a {@code ZINCRBY} per
 * result, then the top 10 by {@code ZREVRANGE} and a rank by {@code ZREVRANK}. It is the yardstick the
 * issue names, and it does less than the job: no deduplication (a re-sent or replayed result counts
 * again), no corrections, no event time, and its state is one process's memory.
 */
final class RedisLeaderboard implements AutoCloseable {

    /** Results sent per pipeline round trip: one per result would measure the loopback, not Redis. */
    static final int PIPELINE = 1_000;

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    private final Process server;
    private final Jedis redis;

    private RedisLeaderboard(Process server, Jedis redis) {
        this.server = server;
        this.redis = redis;
    }

    /** Starts {@code redis-server} with its files in {@code dir}. */
    static RedisLeaderboard start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server;
        try {
            server = new ProcessBuilder(
                            "redis-server",
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--dir",
                            dir.toString(),
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            "everysec",
                            "--save",
                            "")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "redis-server is not installed; on Debian: sudo apt-get install redis-server", e);
        }
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                Jedis redis = new Jedis("127.0.0.1", port);
                redis.ping();
                return new RedisLeaderboard(server, redis);
            } catch (RuntimeException notYet) {
                if (!server.isAlive() || Instant.now().isAfter(deadline)) {
                    server.destroyForcibly();
                    throw new IllegalStateException(
                            "redis-server did not answer on port " + port + "; see " + dir.resolve("redis.log"),
                            notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    private record Player(String tournament, String userId) {}

    /** What applying the input and querying it measured. */
    record Run(BenchCommand.Result apply, long tournaments, Map<String, double[]> latencyMillis) {}

    /**
     * Applies every decodable result of {@code topic} with {@code ZINCRBY} to its tournament's sorted
     * set, timing from the first read to the last reply, then times {@code queries} reads of the top 10
     * and of a random player's rank, one at a time.
     */
    Run measure(KafkaClients kafka, String topic, String label, int queries) {
        AvroCodec<MatchResult> codec = AvroCodec.of(MatchResult.class);
        List<Player> players = new ArrayList<>();
        TreeSet<String> tournaments = new TreeSet<>();
        long[] records = {0};
        Pipeline pipeline = redis.pipelined();
        long begin = System.nanoTime();
        TopicReader.forEachCommitted(kafka, topic, record -> {
            records[0]++;
            MatchResult result;
            try {
                result = codec.decode(record.value());
            } catch (AvroDecodeException | RuntimeException undecodable) {
                return;
            }
            String tournament = result.getGame() + "#" + MONTH.format(Instant.ofEpochMilli(result.getTs()));
            pipeline.zincrby(tournament, result.getPoints(), result.getUserId());
            tournaments.add(tournament);
            if (players.size() < 100_000) {
                players.add(new Player(tournament, result.getUserId()));
            }
            if (records[0] % PIPELINE == 0) {
                pipeline.sync();
            }
        });
        pipeline.sync();
        double seconds = (System.nanoTime() - begin) / 1e9;

        Random random = new Random(1);
        List<String> keys = new ArrayList<>(tournaments);
        double[] top = new double[queries];
        double[] rank = new double[queries];
        for (int i = 0; i < queries; i++) {
            long t0 = System.nanoTime();
            // ZRANGE ... REV is ZREVRANGE, which Redis 6.2 deprecated in its favour.
            redis.zrangeWithScores(
                    keys.get(i % keys.size()), ZRangeParams.zrangeParams(0, 9).rev());
            long t1 = System.nanoTime();
            Player player = players.get(random.nextInt(players.size()));
            redis.zrevrank(player.tournament(), player.userId());
            long t2 = System.nanoTime();
            top[i] = (t1 - t0) / 1e6;
            rank[i] = (t2 - t1) / 1e6;
        }
        return new Run(
                new BenchCommand.Result(label, records[0], seconds, null, Map.of()),
                keys.size(),
                Map.of(
                        "ZREVRANGE 0 9 WITHSCORES (top 10)",
                        percentiles(top),
                        "ZREVRANK (a player's rank)",
                        percentiles(rank)));
    }

    /** p50 and p99 of {@code millis}. */
    static double[] percentiles(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new double[] {
            sorted[(int) Math.floor(0.50 * (sorted.length - 1))], sorted[(int) Math.floor(0.99 * (sorted.length - 1))]
        };
    }

    /** The latency lines of a report. */
    static String latencyLines(Run run) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(run.latencyMillis())
                .forEach((query, p) -> out.append(String.format(
                        Locale.ROOT,
                        "- Redis %s, one client, one at a time: p50 %.3f ms, p99 %.3f ms%n",
                        query,
                        p[0],
                        p[1])));
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            redis.close();
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
