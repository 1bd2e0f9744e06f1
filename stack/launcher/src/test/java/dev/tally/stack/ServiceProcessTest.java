package dev.tally.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    @TempDir
    Path dir;

    @Test
    void aStartedServiceIsFoundByItsPidFileAndStopped() throws Exception {
        ServiceProcess service = new ServiceProcess("sleeper", dir);
        ProcessHandle started = service.start(sleeper(), ServiceProcess.Lifetime.TIED_TO_PARENT);
        try {
            assertThat(service.running())
                    .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(started.pid()));
            // A later command (stack status, down) knows it by the pid file alone, once java runs.
            ServiceProcess later = new ServiceProcess("sleeper", dir);
            Instant deadline = Instant.now().plusSeconds(20);
            while (later.running().isEmpty() && Instant.now().isBefore(deadline)) {
                ServiceProcess.sleep(Duration.ofMillis(50));
            }
            assertThat(later.running())
                    .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(started.pid()));
            assertThat(PidRecord.read(dir.resolve("sleeper.pid"))).hasValueSatisfying(r -> {
                assertThat(r.mainClass()).isEqualTo(Sleeper.class.getName());
                assertThat(r.commandLine()).contains(Sleeper.class.getName());
            });

            later.stop(Duration.ofSeconds(10));

            assertThat(started.isAlive()).isFalse();
            assertThat(service.running()).isEmpty();
            assertThat(dir.resolve("sleeper.pid")).doesNotExist();
        } finally {
            started.destroyForcibly();
        }
    }

    /** After a reboot the pid can be anyone's: here it is this test JVM's own, which must survive. */
    @Test
    void aStalePidFileNamingAnotherProcessIsNeitherReportedNorKilled() {
        ProcessHandle self = ProcessHandle.current();
        String selfStart = PidRecord.startOf(self).orElseThrow();
        Instant selfStarted = self.info().startInstant().orElseThrow();
        String selfMain = self.info().arguments().map(a -> a[a.length - 1]).orElse("x");

        ServiceProcess otherStart = new ServiceProcess("other-start", dir);
        new PidRecord(self.pid(), "ticks:1", selfStarted.minusSeconds(3600), selfMain, "java " + selfMain)
                .write(dir.resolve("other-start.pid"));
        assertThat(otherStart.running()).isEmpty();
        otherStart.stop(Duration.ofSeconds(1));
        assertThat(dir.resolve("other-start.pid")).doesNotExist();

        ServiceProcess otherProgram = new ServiceProcess("other-program", dir);
        new PidRecord(self.pid(), selfStart, selfStarted, "org.apache.cassandra.service.CassandraDaemon", "java ...")
                .write(dir.resolve("other-program.pid"));
        assertThat(otherProgram.running()).isEmpty();
        otherProgram.stop(Duration.ofSeconds(1));

        assertThat(self.isAlive()).isTrue();
    }

    /** A pid file of an older version (the pid alone) cannot be checked, so it names no service. */
    @Test
    void aPidOnlyFileNamesNoService() throws Exception {
        Files.writeString(
                dir.resolve("old.pid"), Long.toString(ProcessHandle.current().pid()));
        assertThat(new ServiceProcess("old", dir).running()).isEmpty();
    }

    private static JvmCommand sleeper() throws URISyntaxException {
        // Not java.class.path: under surefire that is a booter jar.
        String testClasses = Path.of(Sleeper.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        // A command line longer than a page, as every service's is with its classpath: the JDK then gives no arguments.
        String padding = "-Dtally.padding=" + "x".repeat(8_000);
        return new JvmCommand(List.of("-Xmx32m", padding), testClasses, Sleeper.class.getName(), List.of(), Map.of());
    }

    /** A service that does nothing until it is stopped. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }
}
