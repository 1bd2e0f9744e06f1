package dev.tally.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a real service that can stall: while stalled it forwards no bytes
 * in either direction (connections stay open), so the client's requests time out as they would on a
 * congested network or a paused server, and then everything flows again. Test fixture for the
 * sinks' retries.
 */
public final class StallingTcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong stalledUntil = new AtomicLong();
    private final AtomicLong holdNext = new AtomicLong();
    private final AtomicInteger stalls = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean closed;

    public StallingTcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "stalling-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code host:port} for the client. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Stops forwarding for {@code duration}, from now. */
    public void stallFor(Duration duration) {
        stalledUntil.set(System.currentTimeMillis() + duration.toMillis());
        stalls.incrementAndGet();
    }

    /**
     * Holds the next bytes the client sends for {@code duration} before forwarding them: its next
     * request (a write, on a sink's connection) is then answered that much later, whenever it comes.
     */
    public void holdNextRequestFor(Duration duration) {
        holdNext.set(duration.toMillis());
        stalls.incrementAndGet();
    }

    /** Requests held by {@link #holdNextRequestFor}. */
    public int held() {
        return held.get();
    }

    public int stalls() {
        return stalls.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "stalling-proxy-up", true);
                pump(upstream, client, "stalling-proxy-down", false);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("Stalling proxy: " + e.getMessage());
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String name, boolean fromClient) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            long hold = fromClient ? holdNext.getAndSet(0) : 0;
                            if (hold > 0) {
                                held.incrementAndGet();
                                Thread.sleep(hold);
                            }
                            long wait;
                            while ((wait = stalledUntil.get() - System.currentTimeMillis()) > 0) {
                                Thread.sleep(Math.min(wait, 50));
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // The other side closed; close this one too.
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(StallingTcpProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
