package dev.tally.stack;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** What {@code stack status} reports of one service. */
public record ServiceStatus(Long pid, boolean healthy, String endpoint, Path log) {

    static ServiceStatus of(ServiceProcess process, BooleanSupplier health, String endpoint, Path log) {
        Long pid = process.running().map(ProcessHandle::pid).orElse(null);
        return new ServiceStatus(pid, pid != null && health.getAsBoolean(), endpoint, log);
    }

    public boolean running() {
        return pid != null;
    }
}
