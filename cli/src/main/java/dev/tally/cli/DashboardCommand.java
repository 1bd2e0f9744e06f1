package dev.tally.cli;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.client.ClientConfig;
import dev.tally.dashboard.DashboardServer;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.stack.JvmCommand;
import dev.tally.stack.LocalStack;
import dev.tally.stack.Ports;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally dashboard}: the query API and web page over the local stack's Cassandra. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the query API (/v1/ads/...) and the live web page over the Cassandra sink tables.",
            "Runs in the foreground until interrupted, or with --detach in the background until 'tally stack down'."
        })
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port = 8090;

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--keyspace", description = "Keyspace to read (default: the stack's, tally).")
    String keyspace;

    @Option(
            names = "--cassandra",
            description = "Cassandra contact points host:port[,host:port...] (default: the local stack's).")
    String cassandra;

    @Option(names = "--cassandra-dc", description = "Cassandra local datacenter (default: ${DEFAULT-VALUE}).")
    String cassandraDatacenter = CassandraConnection.DEFAULT_LOCAL_DATACENTER;

    @Option(
            names = "--client-config",
            description =
                    "Properties file with Cassandra credentials (cassandra.username, cassandra.password), readable by its owner only.")
    Path clientConfig;

    @Option(names = "--windows", split = ",", description = "Top-N window sizes the job computes (default: 1,5,60).")
    List<Integer> windows = List.of(1, 5, 60);

    @Option(
            names = "--filters",
            description = "The job's filters YAML, so the page names the filters (default: filter 0 only).")
    Path filters;

    @Option(names = "--detach", description = "Start in the background and return.")
    boolean detach;

    @Override
    public Integer call() throws Exception {
        LocalStack stack = LocalStack.ofCheckout(TallyHome.locate());
        String contact = cassandra != null ? cassandra : stack.cassandra().contactPoint();
        String ks = keyspace != null ? keyspace : stack.settings().keyspace();
        ClientConfig credentials = ClientConfig.load(clientConfig);
        if (detach) {
            List<String> args = new ArrayList<>(List.of("--cassandra", contact, "--cassandra-dc", cassandraDatacenter));
            if (clientConfig != null) {
                args.addAll(
                        List.of("--client-config", clientConfig.toAbsolutePath().toString()));
            }
            if (filters != null) {
                args.addAll(List.of("--filters", filters.toAbsolutePath().toString()));
            }
            System.out.println("Dashboard: " + startDetached(stack, port, ks, args));
            return 0;
        }
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                host, port, contact, cassandraDatacenter, ks, windows, 100, filterNames(filters), credentials))) {
            System.out.println(
                    "Dashboard on http://" + host + ":" + server.port() + "/ (keyspace " + ks + "); Ctrl-C stops it.");
            new CountDownLatch(1).await();
        }
        return 0;
    }

    /** Starts the dashboard as a background process of the stack (stopped by stack down); returns its URL. */
    static String startDetached(LocalStack stack, int port, String keyspace, List<String> arguments) {
        ServiceProcess process = stack.dashboard();
        process.stop(Duration.ofSeconds(10));
        Ports.requireFree(port, "dashboard");
        List<String> args =
                new ArrayList<>(List.of("dashboard", "--port", Integer.toString(port), "--keyspace", keyspace));
        args.addAll(arguments);
        process.start(
                new JvmCommand(
                        List.of("-Xmx256m", "-Dtally.home=" + TallyHome.locate().root()),
                        System.getProperty("java.class.path"),
                        TallyCli.class.getName(),
                        args,
                        Map.of()),
                ServiceProcess.Lifetime.DETACHED);
        String url = "http://127.0.0.1:" + port + "/";
        process.awaitHealthy(() -> Ports.isListening(port), Duration.ofSeconds(60));
        stack.recordDashboardPort(port);
        return url;
    }

    /** The filters of the job's filters file by id, as the job reads the file. */
    static Map<Integer, String> filterNames(Path filters) {
        Map<Integer, String> names = new LinkedHashMap<>();
        for (ClickFilters.Filter filter :
                (filters == null ? ClickFilters.allOnly() : ClickFilters.load(filters)).filters()) {
            names.put(filter.id(), filter.id() == ClickFilters.ALL_CLICKS ? "all clicks" : filter.name());
        }
        return names;
    }
}
