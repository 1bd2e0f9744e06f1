package dev.tally.loadgen.metrics;

import dev.tally.schema.metrics.MetricKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The series of a generated fleet: every host of every pool reports the same metrics, and two cluster
 * series have no labels at all. The metrics mix what the SPEC's rules tell apart: gauges with and
 * without a declared kind, counters known by their {@code _total}/{@code _count} suffix and counters
 * declared so under any name, names with dots and colons, and label values with a backslash or quotes
 * (escaped in the series key).
 */
final class SeriesCatalog {

    /** The series without labels, beside the hosts'. */
    static final int GLOBAL_SERIES = 2;

    private static final String[] POOLS = {"web", "api", "db", "cache", "batch", "edge"};
    private static final String[] REGIONS = {"us-east-1", "eu-west-1", "ap-south-1"};

    /** One metric every host reports. */
    private record Template(
            String name,
            MetricKind declaredKind,
            boolean counter,
            boolean regional,
            Map<String, String> extraLabels,
            double low,
            double high,
            double step) {}

    private static final List<Template> TEMPLATES = List.of(
            gauge("cpu.load", null, true, Map.of(), 0, 16, 0.5),
            counter("node_cpu_seconds_total", null, false, Map.of("cpu", "0"), 100_000, 10),
            gauge("mem_used_bytes", MetricKind.GAUGE, false, Map.of(), 0, 64 * 1024, 256),
            counter("http_requests_total", MetricKind.COUNTER, true, Map.of("code", "200"), 500_000, 40),
            counter("disk_io_ops", MetricKind.COUNTER, false, Map.of(), 200_000, 25),
            counter("http_request_duration_seconds_count", null, false, Map.of(), 500_000, 40),
            gauge("disk_free_gigabytes", null, false, Map.of("mount", "C:\\"), 10, 500, 1),
            gauge("queue_depth", MetricKind.GAUGE, true, Map.of("queue", "orders \"priority\""), 0, 1000, 20),
            gauge("temperature_celsius", null, false, Map.of(), -20, 90, 0.25),
            counter("net:rx_bytes:sum", MetricKind.COUNTER, false, Map.of("iface", "eth0"), 1_000_000, 5_000),
            gauge("process_open_fds", null, false, Map.of(), 10, 4096, 8),
            counter("gc_pause_seconds_total", null, true, Map.of(), 1_000, 0.5));

    private SeriesCatalog() {}

    /** Every series of the settings, in a fixed order (host by host, then the cluster's). */
    static List<Series> build(MetricsSettings settings, SplittableRandom random) {
        long interval = settings.interval().toMillis();
        List<Series> all = new ArrayList<>(settings.series());
        int host = 0;
        for (int p = 0; p < settings.pools(); p++) {
            String pool = p < POOLS.length ? POOLS[p] : "pool" + (p + 1);
            String region = REGIONS[p % REGIONS.length];
            for (int h = 0; h < settings.hostsPerPool(); h++, host++) {
                String hostName = String.format("%s-%02d", pool, h + 1);
                for (int m = 0; m < settings.metricsPerHost(); m++) {
                    Template t = template(m);
                    Map<String, String> labels = new LinkedHashMap<>(t.extraLabels());
                    labels.put("pool", pool);
                    labels.put("host", hostName);
                    if (t.regional()) {
                        labels.put("region", region);
                    }
                    all.add(series(t, labels, host, random.nextLong(interval), random));
                }
            }
        }
        all.add(Series.gauge("cluster_up", Map.of(), null, -1, random.nextLong(interval), 0, 1, 1, random));
        all.add(Series.counter("cluster_jobs_total", Map.of(), null, -1, random.nextLong(interval), 10_000, 3, random));
        return all;
    }

    /** The catalog's metrics first, then numbered ones, gauges and counters in turn. */
    private static Template template(int m) {
        if (m < TEMPLATES.size()) {
            return TEMPLATES.get(m);
        }
        int n = m - TEMPLATES.size() + 1;
        return n % 2 == 1
                ? gauge("custom_gauge_" + n, null, n % 3 == 0, Map.of(), 0, 1_000, 4)
                : counter("custom_events_" + n + "_total", null, n % 3 == 0, Map.of(), 10_000, 8);
    }

    private static Series series(
            Template t, Map<String, String> labels, int host, long offset, SplittableRandom random) {
        return t.counter()
                ? Series.counter(t.name(), labels, t.declaredKind(), host, offset, t.high(), t.step(), random)
                : Series.gauge(t.name(), labels, t.declaredKind(), host, offset, t.low(), t.high(), t.step(), random);
    }

    private static Template gauge(
            String name,
            MetricKind kind,
            boolean regional,
            Map<String, String> labels,
            double low,
            double high,
            double step) {
        return new Template(name, kind, false, regional, labels, low, high, step);
    }

    private static Template counter(
            String name,
            MetricKind kind,
            boolean regional,
            Map<String, String> labels,
            double start,
            double increment) {
        return new Template(name, kind, true, regional, labels, 0, start, increment);
    }
}
