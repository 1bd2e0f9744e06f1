package dev.tally.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** Loopback port checks. */
public final class Ports {

    /** Above the well-known and commonly configured ports. */
    static final int FIRST_PICKED = 10_000;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {}

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // As the services bind: connections of a stopped service in TIME_WAIT must not count as
            // "in use", only a listening socket does.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A port that was free a moment ago, below the OS's ephemeral range where it has one (Linux).
     * Outgoing connections take their local ports from that range, the stack's own services' too, and
     * one of them can take a port chosen there before its service binds it, which then exits at
     * start-up. Never the same port twice in this JVM, so one stack's services never share one.
     */
    public static int findFree() {
        int below = ephemeralRangeStart();
        if (below - FIRST_PICKED > 1_000) {
            for (int attempt = 0; attempt < 1_000; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(FIRST_PICKED, below);
                if (isFree(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The first port of the OS's ephemeral range, or 0 where it cannot be read. */
    static int ephemeralRangeStart() {
        try {
            String range = Files.readString(EPHEMERAL_RANGE).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Fails with a clear message when a port the stack needs is held by another process. */
    public static void requireFree(int port, String what) {
        if (!isFree(port)) {
            throw new StackException("Port " + port + " (" + what + ") is already in use by another process. "
                    + "Stop that process or choose another port.");
        }
    }

    /**
     * Starts what {@code onNewPorts} makes for attempt 1, 2, ... until one starts, stopping each that
     * failed: another process (often a client of a service started first, on an ephemeral port) can
     * take a port between the moment it is found free and the moment the service binds it.
     */
    public static <S> S startOnFreshPorts(
            String what, int attempts, IntFunction<S> onNewPorts, Consumer<S> start, Consumer<S> stop) {
        StackException failure = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            S service = onNewPorts.apply(attempt);
            try {
                start.accept(service);
                return service;
            } catch (StackException e) {
                stop.accept(service);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
                System.err.println(
                        what + " failed to start (attempt " + attempt + " of " + attempts + "), trying new ports: "
                                + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw failure;
    }
}
