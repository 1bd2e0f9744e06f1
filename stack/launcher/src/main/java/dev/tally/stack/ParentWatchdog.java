package dev.tally.stack;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point that runs a service's main class and halts the JVM when the process that started it
 * dies, so services started by a test run never outlive it, even when that JVM is killed.
 *
 * <p>Usage: {@code ParentWatchdog <parent-pid> <main-class> [args...]}.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {}

    public static void main(String[] args) throws Exception {
        long parentPid = Long.parseLong(args[0]);
        Thread watcher = new Thread(
                () -> {
                    while (ProcessHandle.of(parentPid)
                            .map(ProcessHandle::isAlive)
                            .orElse(false)) {
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    // halt, not exit: shutdown hooks of a half-stopped service can hang.
                    Runtime.getRuntime().halt(3);
                },
                "tally-parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
}
