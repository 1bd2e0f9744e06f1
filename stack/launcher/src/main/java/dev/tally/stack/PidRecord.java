package dev.tally.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a pid file records of a started service: its pid, the start time the OS gives that process,
 * its main class, and (for people reading the file) the command line it was started with.
 *
 * <p>A pid alone is not an identity: after a reboot, or once the service has died and the OS has
 * handed the pid on, it names some other process. {@link #process()} accepts the live process only if
 * its start time is the recorded one and its command line still names the main class.
 */
record PidRecord(long pid, Instant started, String mainClass, String commandLine) {

    static PidRecord of(ProcessHandle process, String mainClass, List<String> command) {
        Instant started = process.info().startInstant()
                .orElseThrow(() -> new StackException("The OS gives no start time for process " + process.pid()));
        return new PidRecord(process.pid(), started, mainClass, String.join(" ", command));
    }

    /** The record in {@code file}; empty when there is none or it is unreadable (an old pid-only file too). */
    static Optional<PidRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
            return Optional.of(new PidRecord(
                    Long.parseLong(properties.getProperty("pid")),
                    Instant.parse(properties.getProperty("started")),
                    properties.getProperty("main-class"),
                    properties.getProperty("command", "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void write(Path file) {
        Properties properties = new Properties();
        properties.setProperty("pid", Long.toString(pid));
        properties.setProperty("started", started.toString());
        properties.setProperty("main-class", mainClass);
        properties.setProperty("command", commandLine);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "A Tally stack service; checked by start time and main class before any signal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live process this record names, if it is still the one that was started. */
    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::matches);
    }

    private boolean matches(ProcessHandle process) {
        boolean sameStart = process.info().startInstant().map(started::equals).orElse(false);
        // The main class is an argument of java (setsid has exec'd it by the time anyone checks).
        return sameStart && arguments(process).contains(mainClass);
    }

    /**
     * The process's arguments: from {@code /proc/<pid>/cmdline} on Linux, because the JDK gives none
     * for a command line longer than a page (every service's, with its classpath); elsewhere the JDK's.
     */
    private static List<String> arguments(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(cmdline)) {
                return List.of(Files.readString(cmdline).split("\u0000"));
            }
        } catch (IOException e) {
            // gone meanwhile, or not readable: the JDK's view below
        }
        return process.info().arguments().map(List::of).orElse(List.of());
    }
}
