package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Cassandra sink in a parallel Flink pipeline against a real Cassandra server. */
@ExtendWith(RealServicesExtension.class)
class CassandraSinkITCase {

    private static final int PARALLELISM = 2;
    /** Far above a failed connection (~1 s) and far below a hang; the job must end within it. */
    private static final Duration FAILURE_BOUND = Duration.ofSeconds(60);

    private static final Instant BASE = Instant.parse("2026-01-05T10:00:00Z");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    /** One row of {@code ad_click_counts}. */
    public record ClickCount(String adId, int filterId, Instant clickMinute, long count) {}

    /** One window's result for {@code top_ads_latest}, reduced to its top ad. */
    public record LatestWindow(int filterId, int windowMinutes, Instant windowEnd, String topAd, long topCount) {}

    @ParameterizedTest
    @EnumSource(CassandraSink.BatchMode.class)
    void writesEveryRowAndAReplayConvergesToTheSameRows(CassandraSink.BatchMode mode, TestCassandra cassandra)
            throws Exception {
        String keyspace = cassandra.newKeyspace();
        List<ClickCount> rows = clickCounts(3_000);
        CassandraSink<ClickCount> sink =
                clickCountSink(connection(cassandra, keyspace), CassandraSink.Batching.of(mode));

        run(rows, sink);
        assertThat(readClickCounts(cassandra, keyspace)).containsExactlyInAnyOrderElementsOf(rows);

        // A restart replays the input since the last checkpoint, in whatever order it arrives.
        List<ClickCount> replay = new ArrayList<>(rows);
        Collections.reverse(replay);
        run(replay, sink);
        assertThat(readClickCounts(cassandra, keyspace)).containsExactlyInAnyOrderElementsOf(rows);
    }

    /** Batched statements keep their own write timestamps. */
    @ParameterizedTest
    @EnumSource(CassandraSink.BatchMode.class)
    void anOlderWindowArrivingLaterDoesNotOverwriteANewerOne(CassandraSink.BatchMode mode, TestCassandra cassandra)
            throws Exception {
        String keyspace = cassandra.newKeyspace();
        CassandraSink<LatestWindow> sink = latestWindowSink(cassandra, keyspace, CassandraSink.Batching.of(mode));
        List<LatestWindow> windows = new ArrayList<>();
        for (int filterId = 0; filterId < 3; filterId++) {
            for (int windowMinutes : new int[] {1, 5}) {
                for (int window = 1; window <= 40; window++) {
                    windows.add(new LatestWindow(
                            filterId,
                            windowMinutes,
                            BASE.plus(window * windowMinutes, ChronoUnit.MINUTES),
                            "ad-" + window,
                            1_000L - window));
                }
            }
        }
        Collections.shuffle(windows, new Random(7));
        List<List<Object>> newest = new ArrayList<>();
        for (int filterId = 0; filterId < 3; filterId++) {
            for (int windowMinutes : new int[] {1, 5}) {
                newest.add(List.of(
                        filterId,
                        windowMinutes,
                        BASE.plus(40L * windowMinutes, ChronoUnit.MINUTES),
                        List.of("ad-40"),
                        List.of(960L)));
            }
        }

        run(windows, sink);
        assertThat(readLatestWindows(cassandra, keyspace)).containsExactlyInAnyOrderElementsOf(newest);

        // Every older window again, now after the newest one was written.
        List<LatestWindow> older =
                windows.stream().filter(w -> !w.topAd().equals("ad-40")).collect(Collectors.toList());
        run(older, sink);
        assertThat(readLatestWindows(cassandra, keyspace)).containsExactlyInAnyOrderElementsOf(newest);
    }

    /**
     * Two writes of one row in one batch would share the batch's timestamp, and Cassandra would keep
     * the larger value: a job that re-emits a result with a smaller value (a corrected rollup) lost it.
     */
    @ParameterizedTest
    @EnumSource(CassandraSink.BatchMode.class)
    void theNewerOfTwoWritesOfARowWinsEvenWithTheSmallerValue(CassandraSink.BatchMode mode, TestCassandra cassandra)
            throws Exception {
        String keyspace = cassandra.newKeyspace();
        List<ClickCount> writes = new ArrayList<>();
        List<ClickCount> newest = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            writes.add(new ClickCount("ad-" + i, 1, BASE, 1_000L));
            ClickCount corrected = new ClickCount("ad-" + i, 1, BASE, 5L);
            writes.add(corrected);
            newest.add(corrected);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(writes)
                .sinkTo(clickCountSink(connection(cassandra, keyspace), CassandraSink.Batching.of(mode)))
                .name("cassandra-sink");
        env.execute("cassandra-sink-it-newer-wins");

        assertThat(readClickCounts(cassandra, keyspace)).containsExactlyInAnyOrderElementsOf(newest);
    }

    @Test
    void aWriteTheServerRejectsFailsTheJob(TestCassandra cassandra) {
        String keyspace = cassandra.newKeyspace();
        List<ClickCount> rows = new ArrayList<>(clickCounts(100));
        rows.set(50, new ClickCount(null, 1, BASE, 1L));

        assertThatThrownBy(() -> run(rows, clickCountSink(cassandra, keyspace)))
                .hasStackTraceContaining("Cassandra write failed");
    }

    @Test
    void refusesStatementsOnlyThePreparedMetadataShowsAreNotPlainUpserts(TestCassandra cassandra) {
        String keyspace = cassandra.newKeyspace();
        cassandra
                .session()
                .execute("CREATE TABLE " + keyspace + ".clicks_counter (ad_id text PRIMARY KEY, \"N\" counter)");
        CassandraConnection connection = connection(cassandra, keyspace);
        RetrySettings retry = new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1));

        // A comment hides the increment from the client-side text check; the marker's type does not.
        CassandraUpsert<String> counter = CassandraUpsert.of(
                "UPDATE clicks_counter SET \"N\" = /* sneaky */ \"N\" + ? WHERE ad_id = ?",
                (record, row) -> row.setLong(0, 1L).setString(1, record));
        assertThatThrownBy(() -> new CassandraSinkWriter<>(
                        connection,
                        counter,
                        4,
                        retry,
                        CassandraSink.Batching.DEFAULT,
                        new TestProcessingTimeService(),
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
                        "it-counter"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Counter");

        CassandraUpsert<String> unboundTimestamp = CassandraUpsert.of(
                "INSERT INTO ad_click_counts (ad_id, filter_id, click_minute, count)"
                        + " VALUES (?, ?, ?, ?) USING TIMESTAMP ?",
                (record, row) -> row.setString(0, record)
                        .setInt(1, 1)
                        .setInstant(2, BASE)
                        .setLong(3, 1L));
        assertThatThrownBy(() -> new CassandraSinkWriter<>(
                        connection,
                        unboundTimestamp,
                        4,
                        retry,
                        CassandraSink.Batching.DEFAULT,
                        new TestProcessingTimeService(),
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
                        "it-timestamp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("withWriteTimestamp");
    }

    @Test
    void aKeyspaceThatDoesNotExistFailsTheJobInsteadOfHanging(TestCassandra cassandra) throws Exception {
        CassandraSink<ClickCount> sink = clickCountSink(CassandraConnection.builder()
                .contactPoints(cassandra.contactPoint())
                .localDatacenter(cassandra.localDatacenter())
                .keyspace("no_such_keyspace")
                .build());

        Throwable failure = runExpectingFailure(clickCounts(100), sink);

        assertThat(failure)
                .hasStackTraceContaining("Could not connect to Cassandra")
                .hasStackTraceContaining("no_such_keyspace");
    }

    @Test
    void aClosedPortFailsTheJobInsteadOfHanging(TestCassandra cassandra) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CassandraSink<ClickCount> sink = clickCountSink(CassandraConnection.builder()
                .contactPoints("127.0.0.1:" + closedPort)
                .localDatacenter(cassandra.localDatacenter())
                .keyspace("never_reached")
                .build());

        Throwable failure = runExpectingFailure(clickCounts(100), sink);

        assertThat(failure)
                .hasStackTraceContaining("Could not connect to Cassandra")
                .hasStackTraceContaining("127.0.0.1:" + closedPort);
    }

    private static List<ClickCount> clickCounts(int n) {
        List<ClickCount> rows = new ArrayList<>(n);
        // i -> (ad i % 100, filter i % 3) spreads rows over 300 partitions; the minute keeps keys
        // unique.
        for (int i = 0; i < n; i++) {
            rows.add(new ClickCount("ad-" + (i % 100), i % 3, BASE.plus(i / 300, ChronoUnit.MINUTES), 7L * i + 1));
        }
        return rows;
    }

    private static CassandraConnection connection(TestCassandra cassandra, String keyspace) {
        return CassandraConnection.builder()
                .contactPoints(cassandra.contactPoint())
                .localDatacenter(cassandra.localDatacenter())
                .keyspace(keyspace)
                .build();
    }

    private static CassandraSink<ClickCount> clickCountSink(TestCassandra cassandra, String keyspace) {
        return clickCountSink(connection(cassandra, keyspace));
    }

    private static CassandraSink<ClickCount> clickCountSink(CassandraConnection connection) {
        return clickCountSink(connection, CassandraSink.Batching.DEFAULT);
    }

    private static CassandraSink<ClickCount> clickCountSink(
            CassandraConnection connection, CassandraSink.Batching batching) {
        return CassandraSink.<ClickCount>builder()
                .connection(connection)
                .batching(batching)
                .upsert(CassandraUpsert.of(
                        "INSERT INTO ad_click_counts (ad_id, filter_id, click_minute," + " count) VALUES (?, ?, ?, ?)",
                        (c, row) -> row.setString(0, c.adId())
                                .setInt(1, c.filterId())
                                .setInstant(2, c.clickMinute())
                                .setLong(3, c.count())))
                .maxInFlightRequests(32)
                .maxRetries(2)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
    }

    private static CassandraSink<LatestWindow> latestWindowSink(
            TestCassandra cassandra, String keyspace, CassandraSink.Batching batching) {
        return CassandraSink.<LatestWindow>builder()
                .connection(connection(cassandra, keyspace))
                .batching(batching)
                .upsert(CassandraUpsert.<LatestWindow>ofValues(
                                "INSERT INTO top_ads_latest (filter_id, window_minutes,"
                                        + " window_end, window_start, ad_ids, counts)"
                                        + " VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?",
                                w -> new Object[] {
                                    w.filterId(),
                                    w.windowMinutes(),
                                    w.windowEnd(),
                                    w.windowEnd().minus(w.windowMinutes(), ChronoUnit.MINUTES),
                                    List.of(w.topAd()),
                                    List.of(w.topCount())
                                })
                        .withWriteTimestamp(w -> w.windowEnd().toEpochMilli() * 1_000L))
                .build();
    }

    private static <T> void run(List<T> input, CassandraSink<T> sink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.fromData(input)
                .name("rows")
                .rebalance()
                .sinkTo(sink)
                .name("cassandra-sink")
                .uid("cassandra-sink");
        env.execute("cassandra-sink-it");
    }

    /** Runs the job, waiting at most {@link #FAILURE_BOUND}, and returns why it failed. */
    private static <T> Throwable runExpectingFailure(List<T> input, CassandraSink<T> sink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.fromData(input).name("rows").sinkTo(sink).name("cassandra-sink").uid("cassandra-sink");
        JobClient job = env.executeAsync("cassandra-sink-it-failure");
        try {
            job.getJobExecutionResult().get(FAILURE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e;
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            throw new AssertionError("The job neither failed nor finished in " + FAILURE_BOUND, e);
        }
        throw new AssertionError("The job finished although its sink cannot write");
    }

    private static List<ClickCount> readClickCounts(TestCassandra cassandra, String keyspace) {
        List<ClickCount> rows = new ArrayList<>();
        for (Row row : cassandra
                .session()
                .execute("SELECT ad_id, filter_id, click_minute, count FROM " + keyspace + ".ad_click_counts")) {
            rows.add(new ClickCount(row.getString(0), row.getInt(1), row.getInstant(2), row.getLong(3)));
        }
        return rows;
    }

    private static List<List<Object>> readLatestWindows(TestCassandra cassandra, String keyspace) {
        List<List<Object>> rows = new ArrayList<>();
        for (Row row : cassandra
                .session()
                .execute("SELECT filter_id, window_minutes, window_end, ad_ids, counts FROM "
                        + keyspace
                        + ".top_ads_latest")) {
            rows.add(List.of(
                    row.getInt(0),
                    row.getInt(1),
                    row.getInstant(2),
                    row.getList(3, String.class),
                    row.getList(4, Long.class)));
        }
        return rows;
    }
}
