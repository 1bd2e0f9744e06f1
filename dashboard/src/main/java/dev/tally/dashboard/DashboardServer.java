package dev.tally.dashboard;

import dev.tally.connectors.client.ClientConfig;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query service: each job's API over its Cassandra sink tables (a resource per job: ads,
 * leaderboard, metrics), a health check, the OpenAPI description and the web page with a tab per
 * job. It only reads.
 */
public final class DashboardServer implements AutoCloseable {

    /**
     * Where the server listens and what it reads; {@code filterNames} are the job's filters by id (from
     * its filters file), so the page names them.
     */
    public record Config(
            String host,
            int port,
            String cassandra,
            String localDatacenter,
            String keyspace,
            List<Integer> windows,
            int maxTopN,
            Map<Integer, String> filterNames,
            ClientConfig clientConfig) {

        /** Without client properties or credentials (the local stack). */
        public Config(
                String host,
                int port,
                String cassandra,
                String localDatacenter,
                String keyspace,
                List<Integer> windows,
                int maxTopN,
                Map<Integer, String> filterNames) {
            this(host, port, cassandra, localDatacenter, keyspace, windows, maxTopN, filterNames, ClientConfig.none());
        }
    }

    private final Javalin app;
    private final CassandraSessions cassandra;

    private DashboardServer(Javalin app, CassandraSessions cassandra) {
        this.app = app;
        this.cassandra = cassandra;
    }

    public static DashboardServer start(Config config) {
        return start(config, Clock.systemUTC());
    }

    public static DashboardServer start(Config config, Clock clock) {
        CassandraSessions cassandra = new CassandraSessions(
                config.cassandra(), config.localDatacenter(), config.keyspace(), config.clientConfig());
        AdQueries ads = new AdQueries(cassandra);
        Javalin app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
            });
        });
        new AdResource(ads, clock, config.windows(), config.maxTopN(), config.filterNames()).register(app);
        new LeaderboardResource(new LeaderboardQueries(cassandra), clock).register(app);
        new MetricsResource(new MetricsQueries(cassandra), clock).register(app);
        new AlertResource(new AlertQueries(cassandra)).register(app);
        new SalesRankResource(new SalesRankQueries(cassandra), clock).register(app);
        app.get("/health", ctx -> {
            ads.count("health-check", 0, clock.instant(), clock.instant().plusSeconds(60));
            ctx.json(Map.of("status", "UP", "cassandra", "UP"));
        });
        app.exception(
                BadParameter.class,
                (e, ctx) ->
                        ctx.status(HttpStatus.BAD_REQUEST).json(error("bad_request", e.getMessage(), e.parameter())));
        app.exception(
                CassandraUnavailable.class,
                (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header("Retry-After", "2")
                        .json(error(
                                "unavailable",
                                "Cassandra is unreachable; the data is not available right now. Retry shortly.",
                                null)));
        app.start(config.host(), config.port());
        return new DashboardServer(app, cassandra);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        cassandra.close();
    }

    private static Map<String, Object> error(String error, String message, String parameter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        body.put("message", parameter == null ? message : "'" + parameter + "' " + message);
        return body;
    }
}
