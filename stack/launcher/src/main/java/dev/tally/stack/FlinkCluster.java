package dev.tally.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flink session cluster (one JobManager with the web UI, one TaskManager) assembled from Maven jars,
 * and the client operations on it: submit through the Flink CLI, list and stop jobs over REST.
 */
public final class FlinkCluster implements LocalService {

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path confTemplate;
    private final int restPort;
    private final int rpcPort;
    private final String classpath;
    private final ServiceProcess jobManager;
    private final ServiceProcess taskManager;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public FlinkCluster(Path dir, Path confTemplate, int restPort, int rpcPort, String classpath) {
        this.dir = dir;
        this.confTemplate = confTemplate;
        this.restPort = restPort;
        this.rpcPort = rpcPort;
        this.classpath = classpath;
        this.jobManager = new ServiceProcess("jobmanager", dir);
        this.taskManager = new ServiceProcess("taskmanager", dir);
    }

    public String webUrl() {
        return "http://localhost:" + restPort;
    }

    public Path confDir() {
        return dir.resolve("conf");
    }

    public List<ServiceProcess> processes() {
        return List.of(jobManager, taskManager);
    }

    /** Starts the JobManager and TaskManager unless they run; returns without waiting. */
    @Override
    public void launch(ServiceProcess.Lifetime lifetime) {
        boolean jmRunning = jobManager.running().isPresent();
        if (!jmRunning) {
            checkPorts();
            writeConfig();
            List<String> jm = resourceParams("GET_JM_RESOURCE_PARAMS");
            jobManager.start(
                    command(jm, "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"), lifetime);
        }
        if (taskManager.running().isEmpty()) {
            List<String> tm = resourceParams("GET_TM_RESOURCE_PARAMS");
            taskManager.start(command(tm, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"), lifetime);
        }
    }

    /** Fails with a clear message if the JobManager is not running and one of its ports is taken. */
    public void checkPorts() {
        if (jobManager.running().isEmpty()) {
            Ports.requireFree(restPort, "Flink REST / web UI");
            Ports.requireFree(rpcPort, "Flink JobManager RPC");
        }
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        jobManager.awaitHealthy(this::isHealthy, timeout);
    }

    /** Healthy when the REST API answers and a TaskManager has registered. */
    public boolean isHealthy() {
        try {
            JsonNode overview = get("/overview");
            return overview.path("taskmanagers").asInt() > 0
                    && taskManager.running().isPresent();
        } catch (Exception e) {
            return false;
        }
    }

    public JsonNode overview() {
        return get("/overview");
    }

    /** Any GET of the REST API, e.g. {@code /jobs/<id>/checkpoints}; for tools such as the benchmark. */
    public JsonNode rest(String path) {
        return get(path);
    }

    /** Cancels a job without a savepoint (benchmark runs are thrown away). */
    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(URI.create(webUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    @Override
    public void stop() {
        taskManager.stop(Duration.ofSeconds(20));
        jobManager.stop(Duration.ofSeconds(20));
    }

    /**
     * Runs {@code flink run -d [-c mainClass] jar args...} (the Flink CLI's {@code CliFrontend}) against
     * this cluster and returns its exit code; the CLI's output goes to this process's output.
     */
    public int submit(Path jar, String mainClass, List<String> jobArgs, Duration timeout) {
        return submit(jar, mainClass, null, jobArgs, timeout);
    }

    /** As {@link #submit(Path, String, List, Duration)}, resuming from {@code savepoint} when not null ({@code -s}). */
    public int submit(Path jar, String mainClass, String savepoint, List<String> jobArgs, Duration timeout) {
        return submit(jar, mainClass, savepoint, List.of(), jobArgs, timeout);
    }

    /**
     * {@code flink run -d [flinkOptions] [-s savepoint] -c mainClass jar jobArgs}: {@code flinkOptions}
     * may point the CLI at another cluster ({@code -Drest.address=...}) or set the parallelism.
     */
    public int submit(
            Path jar,
            String mainClass,
            String savepoint,
            List<String> flinkOptions,
            List<String> jobArgs,
            Duration timeout) {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(flinkOptions);
        if (savepoint != null) {
            args.addAll(List.of("-s", savepoint));
        }
        if (mainClass != null) {
            args.addAll(List.of("-c", mainClass));
        }
        args.add(jar.toString());
        args.addAll(jobArgs);
        return runCli(args, timeout);
    }

    /**
     * {@code flink run [flinkOptions] -c mainClass jar args} attached: returns when the program's main
     * does, which for a bounded job is when the job has finished.
     */
    public int run(Path jar, String mainClass, List<String> flinkOptions, List<String> args, Duration timeout) {
        List<String> cli = new ArrayList<>(List.of("run"));
        cli.addAll(flinkOptions);
        cli.addAll(List.of("-c", mainClass, jar.toString()));
        cli.addAll(args);
        return runCli(cli, timeout);
    }

    /** Runs the Flink CLI with the given arguments against this cluster's configuration. */
    public int runCli(List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOpts());
        cmd.add("-Dlog4j.configurationFile="
                + confDir().resolve("log4j-cli.properties").toUri());
        cmd.addAll(List.of("-cp", classpath, "org.apache.flink.client.cli.CliFrontend"));
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).inheritIO();
        builder.environment().put("FLINK_CONF_DIR", confDir().toString());
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ServiceProcess.terminate(process.toHandle(), Duration.ofSeconds(5));
                throw new StackException("The Flink CLI did not finish within " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new StackException("Could not run the Flink CLI: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    /** The cluster's jobs as the REST API reports them (id, name, state, start time). */
    public List<JobInfo> jobs() {
        List<JobInfo> jobs = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            jobs.add(new JobInfo(
                    job.path("jid").asText(),
                    job.path("name").asText(),
                    job.path("state").asText(),
                    job.path("start-time").asLong(),
                    job.path("duration").asLong()));
        }
        return jobs;
    }

    /** Stops a job with a savepoint (the Flink CLI's {@code stop}); returns the savepoint path. */
    public String stopWithSavepoint(String jobId, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", dir.resolve("savepoints").toUri().toString());
        body.put("drain", false);
        JsonNode trigger = post("/jobs/" + jobId + "/stop", body);
        String triggerId = trigger.path("request-id").asText();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new StackException("Stopping job " + jobId + " failed: "
                            + operation
                                    .path("failure-cause")
                                    .path("stack-trace")
                                    .asText());
                }
                return operation.path("location").asText();
            }
            ServiceProcess.sleep(Duration.ofMillis(500));
        }
        throw new StackException("The savepoint of job " + jobId + " did not complete within " + timeout);
    }

    /** One job of the cluster. */
    public record JobInfo(String id, String name, String state, long startTime, long durationMillis) {}

    private JvmCommand command(List<String> resources, String mainClass) {
        List<String> jvm = new ArrayList<>(split(resources.get(0)));
        jvm.addAll(javaOpts());
        jvm.add("-Dlog4j.configurationFile="
                + confDir().resolve("log4j-console.properties").toUri());
        List<String> args = new ArrayList<>(List.of("--configDir", confDir().toString()));
        // The second line holds "-D key=value" pairs computed from the memory configuration.
        args.addAll(split(resources.get(1)));
        return new JvmCommand(
                jvm,
                classpath,
                mainClass,
                args,
                Map.of("FLINK_CONF_DIR", confDir().toString()));
    }

    /** Computes JVM memory options the way Flink's shell scripts do (BashJavaUtils). */
    private List<String> resourceParams(String which) {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classpath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        which,
                        "--configDir",
                        confDir().toString())
                .redirectErrorStream(true);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor(60, TimeUnit.SECONDS);
            List<String> results = new ArrayList<>();
            for (String line : output.split("\\R")) {
                if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                    results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())
                            .trim());
                }
            }
            if (results.size() < 2) {
                throw new StackException("Could not compute Flink memory settings:\n" + output);
            }
            return results.subList(results.size() - 2, results.size());
        } catch (IOException e) {
            throw new StackException("Could not run BashJavaUtils: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    private List<String> javaOpts() {
        try {
            JsonNode conf = YAML.readTree(confDir().resolve("config.yaml").toFile());
            return split(conf.path("env").path("java").path("opts").path("all").asText(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeConfig() {
        try {
            Files.createDirectories(confDir());
            ObjectNode conf = (ObjectNode)
                    YAML.readTree(confTemplate.resolve("config.yaml").toFile());
            set(conf, "rest.port", restPort);
            set(conf, "jobmanager.rpc.port", rpcPort);
            set(
                    conf,
                    "execution.checkpointing.dir",
                    dir.resolve("checkpoints").toUri().toString());
            set(
                    conf,
                    "execution.checkpointing.savepoint-dir",
                    dir.resolve("savepoints").toUri().toString());
            set(conf, "io.tmp.dirs", dir.resolve("tmp").toString());
            set(conf, "web.tmpdir", dir.resolve("web-tmp").toString());
            set(conf, "web.upload.dir", dir.resolve("web-upload").toString());
            set(conf, "blob.storage.directory", dir.resolve("blobs").toString());
            Files.createDirectories(dir.resolve("tmp"));
            YAML.writeValue(confDir().resolve("config.yaml").toFile(), conf);
            Files.copy(
                    confTemplate.resolve("log4j-console.properties"),
                    confDir().resolve("log4j-console.properties"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(
                    confDir().resolve("log4j-cli.properties"),
                    "rootLogger.level = WARN\n"
                            + "rootLogger.appenderRef.console.ref = C\n"
                            + "appender.console.name = C\n"
                            + "appender.console.type = CONSOLE\n"
                            + "appender.console.layout.type = PatternLayout\n"
                            + "appender.console.layout.pattern = %-5p %c{1} - %m%n\n"
                            // No YARN or plugins in a session-cluster client: their warnings say nothing.
                            + "logger.cli.name = org.apache.flink.client.cli.CliFrontend\n"
                            + "logger.cli.level = ERROR\n"
                            + "logger.plugins.name = org.apache.flink.core.plugin\n"
                            + "logger.plugins.level = ERROR\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a dotted key in the nested YAML, creating the intermediate maps. */
    private static void set(ObjectNode root, String key, Object value) {
        String[] parts = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode ? (ObjectNode) child : node.putObject(parts[i]);
        }
        node.putPOJO(parts[parts.length - 1], value);
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(webUrl() + path)).GET());
    }

    private JsonNode post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(webUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new StackException("Flink REST " + response.request().uri() + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new StackException("Flink REST API at " + webUrl() + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    private static List<String> split(String options) {
        return Arrays.stream(options.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
