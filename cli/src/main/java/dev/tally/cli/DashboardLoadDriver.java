package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The load of {@code tally bench dashboard}: sends requests at fixed intervals whatever the answers do
 * (open loop), on java.net.http's async client, the workload's queries in turn, and checks every answer
 * as the workload says.
 */
final class DashboardLoadDriver {

    /** Latencies (every request of the measured run, errors included) and errors of one query. */
    static final class QueryStats {
        final String label;
        private long[] latencies = new long[1024];
        private int count;
        long errors;
        long sent;
        private long lastDone;
        /** From the first scheduled send of the measured run to the last answer. */
        double elapsedSeconds;

        final List<String> errorSamples = new ArrayList<>();

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

    /** One measured run: each query, then all together ("both"), how far the sender fell behind, and the JIT's work meanwhile. */
    record Run(List<QueryStats> stats, double maxSendLagMillis, long compileMillis) {}

    /**
     * The warm-up (its requests, its length, whether the JIT settled in it) and the measured runs, in order.
     */
    record Drive(QueryStats warmup, double warmupSeconds, boolean settled, List<Run> runs) {}

    /** One planned request: what to send and how to check the answer (null when right, else what is wrong). */
    private record Planned(QueryStats stats, HttpRequest request, Function<JsonNode, String> check) {}

    /** The requests of one phase (the warm-up or a measured run) and when it began. */
    private static final class Phase {
        final List<QueryStats> queries;
        final long firstRequest;
        final long scheduledBegin;
        final long compileMillisAtBegin;
        long maxSendLagNanos;

        Phase(List<String> labels, long firstRequest, long scheduledBegin, long compileMillisAtBegin) {
            this.queries = labels.stream().map(QueryStats::new).toList();
            this.firstRequest = firstRequest;
            this.scheduledBegin = scheduledBegin;
            this.compileMillisAtBegin = compileMillisAtBegin;
        }

        long errors() {
            return queries.stream().mapToLong(QueryStats::errors).sum();
        }

        List<QueryStats> stats() {
            List<QueryStats> result = new ArrayList<>(queries);
            result.add(QueryStats.merged("both", queries));
            for (QueryStats s : result) {
                synchronized (s) {
                    s.elapsedSeconds = (Math.max(s.lastDone, scheduledBegin) - scheduledBegin) / 1e9;
                }
            }
            return result;
        }
    }

    /**
     * The JIT has settled when it compiled for less than this in the last {@link #SETTLE_SECONDS}: on two cores a
     * C2 compiler thread busy with the server's and the driver's hot paths takes a core from the server, and the
     * first minute's p99 was its stalls (129 and 42 ms after a 10 s warm-up, 9.6 ms after 60 s, 2026-12-06).
     */
    static final long SETTLED_COMPILE_MILLIS = 100;

    static final int SETTLE_SECONDS = 5;

    private final String base;
    private final DashboardWorkload workload;
    private final int rate;
    private final int minWarmupSeconds;
    private final int maxWarmupSeconds;
    private final int seconds;
    private final ObjectMapper json = new ObjectMapper();
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();

    DashboardLoadDriver(
            int port, DashboardWorkload workload, int rate, int minWarmupSeconds, int maxWarmupSeconds, int seconds) {
        this.base = "http://127.0.0.1:" + port;
        this.workload = workload;
        this.rate = rate;
        this.minWarmupSeconds = minWarmupSeconds;
        this.maxWarmupSeconds = Math.max(minWarmupSeconds, maxWarmupSeconds);
        this.seconds = seconds;
    }

    /**
     * One open-loop schedule at the rate: the warm-up, which lasts at least the minimum and then until the JIT has
     * settled (or the maximum has passed), then {@code runs} measured runs back to back.
     */
    Drive run(int runs) throws Exception {
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
        long runRequests = (long) seconds * rate;
        long[] compileMillisAt = new long[maxWarmupSeconds + 1];
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        List<String> labels = workload.labels();
        Phase warmup = new Phase(labels, 0, begin, jit.getTotalCompilationTime());
        Phase phase = warmup;
        boolean settled = false;
        List<Phase> measured = new ArrayList<>();
        for (long i = 0; ; i++) {
            long scheduled = begin + i * 1_000_000_000L / rate;
            if (phase == warmup && i % rate == 0) {
                int second = (int) (i / rate);
                compileMillisAt[second] = jit.getTotalCompilationTime();
                settled = second >= Math.max(minWarmupSeconds, SETTLE_SECONDS)
                        && compileMillisAt[second] - compileMillisAt[second - SETTLE_SECONDS] < SETTLED_COMPILE_MILLIS;
                if (settled || second == maxWarmupSeconds) {
                    System.out.printf(
                            Locale.ROOT,
                            "  warm-up: %d s, JIT %s (%d errors); %d measured run(s) of %d s%n",
                            second,
                            settled ? "settled" : "still compiling",
                            warmup.errors(),
                            runs,
                            seconds);
                    phase = new Phase(labels, i, scheduled, compileMillisAt[second]);
                    measured.add(phase);
                }
            } else if (phase != warmup && i == phase.firstRequest + runRequests) {
                System.out.printf(Locale.ROOT, "  run %d done, %d errors%n", measured.size(), phase.errors());
                if (measured.size() == runs) {
                    break;
                }
                phase = new Phase(labels, i, scheduled, jit.getTotalCompilationTime());
                measured.add(phase);
            }
            int kind = (int) (i % labels.size());
            DashboardWorkload.Query query = workload.next(kind);
            Planned planned = new Planned(
                    phase.queries.get(kind), request(URI.create(base + query.pathAndQuery())), query.check());
            long now;
            while ((now = System.nanoTime()) < scheduled) {
                LockSupport.parkNanos(scheduled - now);
            }
            phase.maxSendLagNanos = Math.max(phase.maxSendLagNanos, now - scheduled);
            planned.stats().sent();
            pending.add(client.sendAsync(planned.request(), HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> {
                        long done = System.nanoTime();
                        planned.stats().done(done - scheduled, done, check(planned, response, failure));
                        return null;
                    }));
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                    .get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.out.println("  some requests did not finish within 60 s of the last send; they are not counted");
        } finally {
            clientThreads.shutdownNow();
        }
        long compileMillisAtEnd = jit.getTotalCompilationTime();
        List<Run> result = new ArrayList<>();
        for (int r = 0; r < measured.size(); r++) {
            Phase run = measured.get(r);
            long compileEnd = r + 1 < measured.size() ? measured.get(r + 1).compileMillisAtBegin : compileMillisAtEnd;
            result.add(new Run(run.stats(), run.maxSendLagNanos / 1e6, compileEnd - run.compileMillisAtBegin));
        }
        double warmupSeconds = (measured.get(0).scheduledBegin - begin) / 1e9;
        return new Drive(QueryStats.merged("warm-up", warmup.queries), warmupSeconds, settled, result);
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

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
