package dev.tally.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A single-node Cassandra 5 server as a local JVM. */
public final class CassandraService implements LocalService {

    public static final String LOCAL_DATACENTER = "datacenter1";

    /**
     * Partitions an unlogged batch may span before the server warns: on one node every partition
     * has the same replica, so a batch of many partitions costs the server no extra hop, and each
     * request it saves is driver and server work per row.
     */
    public static final int UNLOGGED_BATCH_PARTITIONS = 64;

    /** Module flags Cassandra needs on Java 17 (its jvm17-server.options). */
    private static final List<String> JAVA17_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports=java.sql/java.sql=ALL-UNNAMED",
            "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED");

    private final Path dir;
    private final int nativePort;
    private final int storagePort;
    private final int jmxPort;
    private final String heap;
    private final String classpath;
    private final ServiceProcess process;

    public CassandraService(Path dir, int nativePort, int storagePort, int jmxPort, String heap, String classpath) {
        this.dir = dir;
        this.nativePort = nativePort;
        this.storagePort = storagePort;
        this.jmxPort = jmxPort;
        this.heap = heap;
        this.classpath = classpath;
        this.process = new ServiceProcess("cassandra", dir);
    }

    public int nativePort() {
        return nativePort;
    }

    public String contactPoint() {
        return "127.0.0.1:" + nativePort;
    }

    public ServiceProcess process() {
        return process;
    }

    /** Starts the server unless it already runs; returns without waiting for it to serve. */
    @Override
    public void launch(ServiceProcess.Lifetime lifetime) {
        if (process.running().isPresent()) {
            return;
        }
        checkPorts();
        Path yaml = writeConfig();
        List<String> jvm = new ArrayList<>();
        jvm.addAll(List.of(
                "-Xms" + heap,
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-Xss512k",
                "-Djava.awt.headless=true",
                "-Djdk.attach.allowAttachSelf=true",
                "-javaagent:" + jammJar(),
                "-Dcassandra.config=" + yaml.toUri(),
                "-Dcassandra.storagedir=" + dir.resolve("data"),
                "-Dcassandra.jmx.local.port=" + jmxPort,
                "-Dcassandra-foreground=yes",
                // One node, nobody to gossip with: skip the waits meant for clusters.
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=0",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml").toUri()));
        jvm.addAll(JAVA17_FLAGS);
        process.start(
                new JvmCommand(jvm, classpath, "org.apache.cassandra.service.CassandraDaemon", List.of("-f"), Map.of()),
                lifetime);
    }

    /** Fails with a clear message if the server is not running and one of its ports is taken. */
    public void checkPorts() {
        if (process.running().isEmpty()) {
            Ports.requireFree(nativePort, "Cassandra CQL");
            Ports.requireFree(storagePort, "Cassandra storage");
            Ports.requireFree(jmxPort, "Cassandra JMX");
        }
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        process.awaitHealthy(this::isHealthy, timeout);
    }

    /** Healthy when a CQL query is answered. */
    public boolean isHealthy() {
        if (!Ports.isListening(nativePort)) {
            return false;
        }
        try (CqlSession session = connect(Duration.ofSeconds(5))) {
            return session.execute("SELECT release_version FROM system.local").one() != null;
        } catch (Exception e) {
            return false;
        }
    }

    public CqlSession connect(Duration requestTimeout) {
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", nativePort))
                .withLocalDatacenter(LOCAL_DATACENTER)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                        // Schema changes on a fresh node can take longer than a query.
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, CqlSchema.SCHEMA_REFRESH_WINDOW)
                        .build())
                .build();
    }

    /** Creates the keyspace and every Tally table in it (idempotent). */
    public void applySchema(String keyspace) {
        try (CqlSession session = connect(Duration.ofSeconds(60))) {
            CqlSchema.apply(session, keyspace, CqlSchema.LOCAL_REPLICATION);
        }
    }

    @Override
    public void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    private String jammJar() {
        return Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> entry.contains("jamm"))
                .findFirst()
                .orElseThrow(() -> new StackException("jamm is missing from the Cassandra classpath"));
    }

    private Path writeConfig() {
        Path data = dir.resolve("data");
        String yaml = String.join(
                        "\n",
                        "cluster_name: tally",
                        "num_tokens: 1",
                        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                        "data_file_directories: [" + data.resolve("data") + "]",
                        "commitlog_directory: " + data.resolve("commitlog"),
                        "saved_caches_directory: " + data.resolve("saved_caches"),
                        "hints_directory: " + data.resolve("hints"),
                        "cdc_raw_directory: " + data.resolve("cdc_raw"),
                        "commitlog_sync: periodic",
                        "commitlog_sync_period: 10000ms",
                        "seed_provider:",
                        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                        "    parameters:",
                        "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                        "listen_address: 127.0.0.1",
                        "storage_port: " + storagePort,
                        "rpc_address: 127.0.0.1",
                        "native_transport_port: " + nativePort,
                        "start_native_transport: true",
                        "endpoint_snitch: SimpleSnitch",
                        "authenticator: AllowAllAuthenticator",
                        "authorizer: AllowAllAuthorizer",
                        "unlogged_batch_across_partitions_warn_threshold: " + UNLOGGED_BATCH_PARTITIONS,
                        // Such a batch of count rows is about 5.5 KiB as the server measures it,
                        // over the default 5 KiB; each warning is logged by server and driver.
                        "batch_size_warn_threshold: 16KiB",
                        // Dropping a test keyspace should not copy its data first.
                        "auto_snapshot: false",
                        // Cassandra 5's recommended storage engine settings for new clusters (its
                        // cassandra_latest.yaml). Every job writes each result row once, so most of
                        // the server's CPU went to skip-list inserts and size-tiered compaction.
                        "memtable:",
                        "  configurations:",
                        "    skiplist:",
                        "      class_name: SkipListMemtable",
                        "    trie:",
                        "      class_name: TrieMemtable",
                        "    default:",
                        "      inherits: trie",
                        "memtable_allocation_type: offheap_objects",
                        "default_compaction:",
                        "  class_name: UnifiedCompactionStrategy",
                        "  parameters:",
                        "    scaling_parameters: T4",
                        "    max_sstables_to_compact: 64",
                        "    target_sstable_size: 1GiB",
                        "    sstable_growth: 0.3333333333333333",
                        "    min_sstable_size: 100MiB",
                        "")
                + "\n";
        String logback = String.join(
                "\n",
                "<configuration>",
                "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>%date %level [%thread] %logger{20} %msg%n</pattern></encoder>",
                "  </appender>",
                "  <root level=\"WARN\"><appender-ref ref=\"STDOUT\"/></root>",
                "  <logger name=\"org.apache.cassandra.service.CassandraDaemon\" level=\"INFO\"/>",
                "</configuration>",
                "");
        try {
            Files.createDirectories(data);
            Files.writeString(dir.resolve("logback.xml"), logback);
            Path file = dir.resolve("cassandra.yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
