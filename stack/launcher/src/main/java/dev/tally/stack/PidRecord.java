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
 * What a pid file records of a started service: its pid, when it started (as the OS counts it, and
 * as a time for people), its main class, and the command line it was started with.
 *
 * <p>A pid alone is not an identity: after a reboot, or once the service has died and the OS has
 * handed the pid on, it names some other process. {@link #process()} accepts the live process only if
 * its start is the recorded one and its command line still names the main class. On Linux the start
 * is the clock-tick count since boot in {@code /proc/<pid>/stat}: the JDK's start instant adds the
 * boot time, which moves when the wall clock is stepped (seen: 7 s within half an hour on a VM).
 */
record PidRecord(long pid, String start, Instant started, String mainClass, String commandLine) {

    static PidRecord of(ProcessHandle process, String mainClass, List<String> command) {
        String start = startOf(process)
                .orElseThrow(() -> new StackException("The OS gives no start time for process " + process.pid()));
        return new PidRecord(
                process.pid(),
                start,
                process.info().startInstant().orElse(Instant.EPOCH),
                mainClass,
                String.join(" ", command));
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
                    properties.getProperty("start").trim(),
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
        properties.setProperty("start", start);
        properties.setProperty("started", started.toString());
        properties.setProperty("main-class", mainClass);
        properties.setProperty("command", commandLine);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "A Tally stack service; checked by its start and main class before any signal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live process this record names, if it is still the one that was started. */
    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::matches);
    }

    private boolean matches(ProcessHandle process) {
        boolean sameStart = startOf(process).map(start::equals).orElse(false);
        // The main class is an argument of java (setsid has exec'd it by the time anyone checks).
        return sameStart && arguments(process).contains(mainClass);
    }

    /**
     * When {@code process} started, as a token that stays the same for its whole life: {@code
     * ticks:<n>} from {@code /proc/<pid>/stat} (field 22, clock ticks after boot) on Linux, else the
     * JDK's start instant to the second.
     */
    static Optional<String> startOf(ProcessHandle process) {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            if (Files.isReadable(stat)) {
                String line = Files.readString(stat);
                // The command name (field 2) is in parentheses and may hold spaces: count after it.
                String[] fields =
                        line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
                return Optional.of("ticks:" + fields[19]);
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile, or an unexpected format: the JDK's view below
        }
        return process.info().startInstant().map(i -> "instant:" + i.getEpochSecond());
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
