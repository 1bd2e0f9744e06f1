package dev.tally.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One service JVM of the stack: started with its output in a log file and its pid in a pid file, so
 * that a later command (status, down) finds it again. The pid file also holds the process's start time
 * and main class, and a process counts as the service only when both still match: after a reboot a
 * stale pid can name an unrelated process, which must never be reported as the service or killed.
 */
public final class ServiceProcess {

    /** Whether the service outlives the JVM that starts it. */
    public enum Lifetime {
        /** Detached into its own session: the CLI's {@code stack up} returns and the service keeps running. */
        DETACHED,
        /** Halts when the starting JVM dies: test runs never leave a service behind. */
        TIED_TO_PARENT
    }

    private final String name;
    private final Path dir;
    /** The process this instance started, known without the pid file's checks (see {@link #running()}). */
    private ProcessHandle started;

    public ServiceProcess(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return dir.resolve(name + ".log");
    }

    private Path pidFile() {
        return dir.resolve(name + ".pid");
    }

    public ProcessHandle start(JvmCommand command, Lifetime lifetime) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        if (lifetime == Lifetime.DETACHED && new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(java);
        cmd.addAll(command.jvmOptions());
        cmd.add("-cp");
        if (lifetime == Lifetime.TIED_TO_PARENT) {
            cmd.add(watchdogLocation() + File.pathSeparator + command.classpath());
            cmd.add(ParentWatchdog.class.getName());
            cmd.add(Long.toString(ProcessHandle.current().pid()));
        } else {
            cmd.add(command.classpath());
        }
        cmd.add(command.mainClass());
        cmd.addAll(command.arguments());

        ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile());
        builder.environment().putAll(command.environment());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            PidRecord.of(process.toHandle(), command.mainClass(), cmd).write(pidFile());
            started = process.toHandle();
            return started;
        } catch (IOException e) {
            throw new StackException("Could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The running process recorded in the pid file, if it is alive and is the one that was started: a
     * pid file that names another process (or predates the start time in it) counts as no process.
     */
    public Optional<ProcessHandle> running() {
        if (started != null && started.isAlive()) {
            // Just started, the child may not have exec'd java yet: its command line names no main class.
            return Optional.of(started);
        }
        return PidRecord.read(pidFile()).flatMap(PidRecord::process);
    }

    /** Waits until {@code healthy} holds; fails with the log tail if the process dies or time runs out. */
    public void awaitHealthy(BooleanSupplier healthy, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (healthy.getAsBoolean()) {
                return;
            }
            if (running().isEmpty()) {
                // The first error says why; the last lines are often only the shutdown it caused.
                throw new StackException(name + " exited during start-up. First errors in " + logFile() + ":\n"
                        + logFirstErrors(10) + "\nLast lines:\n" + logTail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StackException(name + " did not become healthy within " + timeout.toSeconds()
                        + " s. Last lines of " + logFile() + ":\n" + logTail(40));
            }
            sleep(Duration.ofMillis(250));
        }
    }

    /**
     * Stops the process and its children: SIGTERM, then SIGKILL after the grace period. A stale pid
     * file is only removed: whatever now has that pid is left alone.
     */
    public void stop(Duration grace) {
        running().ifPresent(process -> terminate(process, grace));
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void terminate(ProcessHandle process, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new StackException("Process " + handle.pid() + " did not stop", e);
            }
        }
    }

    /** The first {@code lines} lines of the log that report an error or its cause. */
    String logFirstErrors(int lines) {
        try {
            if (!Files.exists(logFile())) {
                return "(no log)";
            }
            try (var all = Files.lines(logFile())) {
                List<String> errors = all.filter(line -> line.contains(" ERROR ") || line.startsWith("Caused by:"))
                        .limit(lines)
                        .toList();
                return errors.isEmpty() ? "(none)" : String.join("\n", errors);
            }
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile())) {
                return "(no log)";
            }
            List<String> all = Files.readAllLines(logFile());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    private static String watchdogLocation() {
        try {
            return Paths.get(ParentWatchdog.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
