package dev.tally.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The repository checkout the stack runs from: where the runtime classpaths, configs and job jar are. */
public final class TallyHome {

    private final Path root;

    private TallyHome(Path root) {
        this.root = root;
    }

    /**
     * Finds the checkout from the {@code tally.home} system property, the {@code TALLY_HOME} variable,
     * or by walking up from the working directory to the folder holding the {@code tally} script.
     */
    public static TallyHome locate() {
        String configured = System.getProperty("tally.home", System.getenv("TALLY_HOME"));
        if (configured != null && !configured.isBlank()) {
            return new TallyHome(Paths.get(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tally")) && Files.isDirectory(dir.resolve("stack"))) {
                return new TallyHome(dir);
            }
        }
        throw new IllegalStateException(
                "Cannot find the Tally checkout: set -Dtally.home or TALLY_HOME, or run from inside it");
    }

    public Path root() {
        return root;
    }

    /** Default folder for the local stack's data, logs and pid files (git-ignored). */
    public Path stackDir() {
        return root.resolve(".tally");
    }

    public Path flinkConfTemplate() {
        return root.resolve("flink-conf");
    }

    public Path jobsJar() {
        return root.resolve("jobs/target/tally-jobs.jar");
    }

    /** The classpath a service JVM runs with, as resolved by Maven into its runtime module. */
    public String runtimeClasspath(String runtime) {
        Path file = root.resolve("stack/runtime-" + runtime + "/target/classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Missing " + file + ": build the project first (mvn -DskipTests package)");
        }
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
