package dev.tally.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void freePortsAreBindableDistinctAndBelowTheEphemeralRange() throws Exception {
        int ephemeral = Ports.ephemeralRangeStart();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = Ports.findFree();
            assertThat(ports.add(port)).as("port %s handed out twice", port).isTrue();
            if (ephemeral - Ports.FIRST_PICKED > 1_000) {
                assertThat(port).isBetween(Ports.FIRST_PICKED, ephemeral - 1);
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aListeningPortIsNotFree() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Ports.isFree(socket.getLocalPort())).isFalse();
            assertThat(Ports.isListening(socket.getLocalPort())).isTrue();
        }
    }
}
