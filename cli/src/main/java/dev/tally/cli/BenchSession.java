package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.stack.CassandraService;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One benchmark run on the local stack, what its subcommands share: the stack (started if it is
 * not), the run's id and folder, and every topic it created, deleted at its end unless
 * {@code --keep-data}. Each job run gets its own keyspace, dropped afterwards.
 */
final class BenchSession {
    final LocalStack stack;
    final TallyHome home;
    /** The run's id, a UTC time: part of every topic, keyspace and job name of the run. */
    final String run;

    final Path dir;
    private final List<String> topics = new ArrayList<>();

    interface Measurement {
        int measure(BenchSession session) throws Exception;
    }

    /** What measures a live run while its load runs, reading Cassandra through {@code cql}. */
    interface LiveProbe<T> {
        T run(CqlSession cql) throws Exception;
    }

    /** A live run's measurement, and each service's CPU over it as a share of the machine. */
    record Live<T>(T result, Map<String, Double> cpuShares) {}

    private BenchSession(LocalStack stack, TallyHome home, String run, Path dir) {
        this.stack = stack;
        this.home = home;
        this.run = run;
        this.dir = dir;
    }

    static int run(boolean keepData, Measurement measurement) throws Exception {
        TallyHome home = TallyHome.locate();
        LocalStack stack = LocalStack.ofCheckout(home);
        stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(4), Duration.ofMinutes(3));
        String run = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path dir = Files.createDirectories(home.stackDir().resolve("bench").resolve(run));
        BenchSession session = new BenchSession(stack, home, run, dir);
        try {
            return measurement.measure(session);
        } finally {
            // A run writes gigabytes (input, results, archives); repeated runs must not fill the disk.
            if (!keepData) {
                stack.kafka().deleteTopics(session.topics);
                DashboardDataSet.deleteRecursively(dir);
            }
        }
    }

    /** Prints the table and writes it into the report's section. */
    void publish(Path reportOverride, String section, String table) throws IOException {
        System.out.println();
        System.out.println(table);
        BenchCommand.writeReport(BenchCommand.reportFile(home, reportOverride), section, table);
    }

    private void createTopics(Map<String, Integer> partitionsByTopic) {
        topics.addAll(partitionsByTopic.keySet());
        stack.kafka().createTopics(partitionsByTopic);
    }

    /** An input topic of 4 partitions, with its dead-letter and late topics; returns its name. */
    String createInput(String topic) {
        createTopics(Map.of(topic, 4, Topics.deadLetter(topic), 1, Topics.late(topic), 1));
        return topic;
    }

    /** Runs the job's load generator, set to write {@code records} into {@code input}; returns its records/s. */
    double preload(String input, long records, Callable<Integer> loadgen) throws Exception {
        BenchCommand.step("Preloading " + String.format("%,d", records) + " records into " + input);
        long begin = System.nanoTime();
        int exit = loadgen.call();
        if (exit != 0) {
            throw new IllegalStateException("Preloading " + input + " failed (exit " + exit + ")");
        }
        return records / BenchCommand.seconds(begin);
    }

    /** The local stack's Kafka and Cassandra, for the tools. */
    Endpoints endpoints() {
        return Endpoints.of(stack.kafka().bootstrapServers(), stack.cassandra().contactPoint());
    }

    BenchCommand.Result rawConsume(String input) {
        BenchCommand.step("Raw Kafka consume rate of " + input);
        long begin = System.nanoTime();
        long consumed = TopicReader.countCommitted(endpoints().kafka(), input);
        return new BenchCommand.Result(BenchCommand.RAW_CONSUME, consumed, BenchCommand.seconds(begin), null, Map.of());
    }

    /**
     * Runs {@code job} bounded over {@code input} to its end, in a keyspace and with result topics of
     * its own, and measures it.
     *
     * @param variant what tells this run of the job from its others in topic, keyspace and job names ("" if nothing)
     * @param records the input's records, the throughput's numerator
     * @param resultTopicOptions the job's options naming its result topics ({@code --counts-topic}): each
     *     gets a fresh topic of 4 partitions, {@code bench-counts-<run's name>}
     * @param jobOptions the job's own options beyond the shared ones
     */
    BenchCommand.Result runJob(
            String job,
            String variant,
            String label,
            String input,
            long records,
            List<String> resultTopicOptions,
            List<String> jobOptions,
            boolean discard)
            throws Exception {
        String name =
                "bench-" + job + (variant.isEmpty() ? "" : "-" + variant) + (discard ? "-discard" : "") + "-" + run;
        BenchCommand.step(label + ": " + name);
        // Each run its own tables, dropped afterwards: a run must not pay for compacting the
        // rows of the run before it.
        String keyspace = "b_" + run + "_" + job.replace("-", "")
                + (variant.isEmpty() ? "" : "_" + variant.replace("-", "_")) + (discard ? "_d" : "");
        stack.cassandra().applySchema(keyspace);
        List<String> args = jobArguments(name, keyspace, input, resultTopicOptions);
        args.addAll(jobOptions);
        args.add("--bounded");
        if (discard) {
            args.add("--discard-results");
        }
        Map<String, Double> cpuBefore = BenchCommand.cpuSeconds(stack);
        submit(job, name, args);
        FlinkCluster.JobInfo finished = DemoCommand.awaitEnd(stack.flink(), name);
        if (!finished.state().equals("FINISHED")) {
            throw new IllegalStateException(name + " ended " + finished.state() + "; see "
                    + stack.flink().webUrl());
        }
        double seconds = finished.durationMillis() / 1000.0;
        BenchCommand.Result result = new BenchCommand.Result(
                label,
                records,
                seconds,
                BenchCommand.checkpoints(stack.flink(), finished.id()),
                cpuSharesSince(cpuBefore, seconds));
        dropKeyspace(keyspace);
        return result;
    }

    /**
     * The options every benchmarked job gets: the local stack, {@code keyspace}, {@code input}, a fresh
     * topic for each of {@code resultTopicOptions}, an archive in the run's folder, and {@code name} as
     * its job name, consumer group and transactional ids.
     */
    List<String> jobArguments(String name, String keyspace, String input, List<String> resultTopicOptions) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                stack.kafka().bootstrapServers(),
                "--cassandra",
                stack.cassandra().contactPoint(),
                "--keyspace",
                keyspace,
                "--cassandra-batch-rows",
                Integer.toString(CassandraService.UNLOGGED_BATCH_PARTITIONS),
                "--input-topic",
                input,
                "--archive-dir",
                dir.resolve("archive-" + name).toUri().toString(),
                "--transactional-id-prefix",
                name,
                "--group-id",
                name,
                "--job-name",
                name));
        Map<String, Integer> resultTopics = new LinkedHashMap<>();
        for (String option : resultTopicOptions) {
            String topic = "bench-" + option.substring(2).replace("-topic", "") + "-" + name;
            resultTopics.put(topic, 4);
            args.addAll(List.of(option, topic));
        }
        createTopics(resultTopics);
        return args;
    }

    /**
     * {@code job} submitted unbounded as {@code name} with {@code args}, writing into {@code keyspace}
     * (created here), with {@code flinkOptions} for the Flink CLI ({@code -D...}), fed by {@code load} on a
     * thread of its own while {@code probe} measures it; then the load is awaited, the job cancelled and
     * the keyspace dropped, whatever failed (a failed probe's load is interrupted).
     */
    <T> Live<T> live(
            String job,
            String name,
            String keyspace,
            List<String> flinkOptions,
            List<String> args,
            Callable<Integer> load,
            LiveProbe<T> probe)
            throws Exception {
        stack.cassandra().applySchema(keyspace);
        FutureTask<Integer> feed = new FutureTask<>(load);
        Thread feeder = new Thread(feed, "live-load");
        feeder.setDaemon(true);
        String jobId = null;
        try {
            submit(job, name, flinkOptions, args);
            jobId = DemoCommand.awaitRunning(stack.flink(), name);
            feeder.start();
            Live<T> result;
            try (CqlSession cql = stack.cassandra().connect(Duration.ofMinutes(1))) {
                Map<String, Double> cpuBefore = BenchCommand.cpuSeconds(stack);
                long begin = System.nanoTime();
                T measured = probe.run(cql);
                result = new Live<>(measured, cpuSharesSince(cpuBefore, BenchCommand.seconds(begin)));
            }
            try {
                feed.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("The load of " + name + " failed", e.getCause());
            }
            return result;
        } finally {
            // Else a failed probe's load would go on feeding, beside the next run.
            feed.cancel(true);
            if (jobId != null) {
                stack.flink().cancel(jobId);
            }
            dropKeyspace(keyspace);
        }
    }

    /** Each service's CPU since {@code cpuBefore} ({@link BenchCommand#cpuSeconds}), over {@code seconds} and the cores. */
    private Map<String, Double> cpuSharesSince(Map<String, Double> cpuBefore, double seconds) {
        Map<String, Double> shares = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        BenchCommand.cpuSeconds(stack)
                .forEach((service, after) ->
                        shares.put(service, (after - cpuBefore.getOrDefault(service, 0.0)) / seconds / cores));
        return shares;
    }

    void submit(String job, String name, List<String> args) {
        submit(job, name, List.of(), args);
    }

    /** {@link #submit(String, String, List)} with options for the Flink CLI ({@code -D...}). */
    void submit(String job, String name, List<String> flinkOptions, List<String> args) {
        if (SubmitCommand.submit(stack.flink(), home, job, flinkOptions, args, Duration.ofMinutes(2)) != 0) {
            throw new IllegalStateException("Submitting " + name + " failed");
        }
    }

    void dropKeyspace(String keyspace) {
        try (CqlSession session = stack.cassandra().connect(Duration.ofMinutes(1))) {
            session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
        }
    }
}
