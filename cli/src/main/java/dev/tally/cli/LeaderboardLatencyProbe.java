package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.functions.Tournaments;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.TopPlayers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long a result takes to show in Cassandra while the job runs live: beside the load, one probe
 * player of a game of its own wins a match every {@link #INTERVAL_MILLIS} (event time = wall time), so
 * its score counts the probes applied; its score row and its tournament's top list are read every
 * {@link #POLL_MILLIS}, and probe k is visible in each when that shows a score of at least k. Latency:
 * from the probe's send to the first read that shows it (so up to a poll late).
 */
final class LeaderboardLatencyProbe {

    static final long INTERVAL_MILLIS = 100;
    static final long POLL_MILLIS = 20;
    private static final String GAME = "latency-probe";
    private static final String USER = "probe";

    /** Latencies in ms of the probes seen, and how many were sent. */
    record Result(long sent, long[] scoreMillis, long[] topMillis) {

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%,d probes; score row visible after p50 %s, p99 %s, max %s ms (%,d seen); top list p50 %s, p99 %s, max %s ms"
                            + " (%,d seen)",
                    sent,
                    quantile(scoreMillis, 0.5),
                    quantile(scoreMillis, 0.99),
                    quantile(scoreMillis, 1),
                    scoreMillis.length,
                    quantile(topMillis, 0.5),
                    quantile(topMillis, 0.99),
                    quantile(topMillis, 1),
                    topMillis.length);
        }

        private static String quantile(long[] sorted, double q) {
            long millis = DashboardBench.percentile(sorted, q);
            return millis < 0 ? "-" : String.format(Locale.ROOT, "%,d", millis);
        }
    }

    private LeaderboardLatencyProbe() {}

    /**
     * Probes for {@code seconds} while the load runs, then waits up to {@code drainSeconds} for the last
     * ones; the job reads {@code input} and writes {@code keyspace}.
     */
    static Result run(
            KafkaClients kafka, CqlSession session, String input, String keyspace, long seconds, long drainSeconds)
            throws InterruptedException {
        AvroCodec<MatchResult> codec = AvroCodec.of(MatchResult.class);
        int probes = (int) (seconds * 1000 / INTERVAL_MILLIS);
        long[] sentAt = new long[probes];
        long[] scoreSeen = new long[probes];
        long[] topSeen = new long[probes];
        long begin = System.currentTimeMillis();
        String tournament = Tournaments.of(GAME, begin);
        PreparedStatement score = session.prepare(
                LeaderboardTables.PLAYER_SCORES.selectCql(keyspace) + " WHERE tournament = ? AND user_id = ?");
        PreparedStatement top =
                session.prepare(LeaderboardTables.TOP_PLAYERS.selectCql(keyspace) + " WHERE tournament = ?");
        int sent = 0;
        long scoreShown = 0;
        long topShown = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            long deadline = begin + seconds * 1000 + drainSeconds * 1000;
            while (System.currentTimeMillis() < deadline && (sent < probes || Math.min(scoreShown, topShown) < sent)) {
                long now = System.currentTimeMillis();
                if (sent < probes && now >= begin + sent * INTERVAL_MILLIS) {
                    MatchResult probe = new MatchResult("probe-" + sent, GAME, USER, 1, now, 0, now);
                    producer.send(
                            new ProducerRecord<>(input, USER.getBytes(StandardCharsets.UTF_8), codec.encode(probe)));
                    producer.flush();
                    sentAt[sent++] = now;
                }
                Row scoreRow = session.execute(score.bind(tournament, USER)).one();
                long shown = scoreRow == null
                        ? 0
                        : LeaderboardTables.PLAYER_SCORES.read(scoreRow).getScore();
                long seenAt = System.currentTimeMillis();
                for (; scoreShown < Math.min(shown, sent); scoreShown++) {
                    scoreSeen[(int) scoreShown] = seenAt;
                }
                Row topRow = session.execute(top.bind(tournament)).one();
                TopPlayers list = topRow == null ? null : LeaderboardTables.TOP_PLAYERS.read(topRow);
                long listed = list == null || list.getPlayers().isEmpty()
                        ? 0
                        : list.getPlayers().get(0).getScore();
                seenAt = System.currentTimeMillis();
                for (; topShown < Math.min(listed, sent); topShown++) {
                    topSeen[(int) topShown] = seenAt;
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        }
        return new Result(sent, latencies(sentAt, scoreSeen, scoreShown), latencies(sentAt, topSeen, topShown));
    }

    private static long[] latencies(long[] sentAt, long[] seenAt, long seen) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < seen; i++) {
            millis.add(seenAt[i] - sentAt[i]);
        }
        long[] sorted = millis.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }
}
