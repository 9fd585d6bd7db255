package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalKafkaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Finds and checks TCP ports on 127.0.0.1, the only interface a local broker uses. */
public final class LoopbackPorts {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private LoopbackPorts() {
    }

    /** A port that was free a moment ago; another process may still take it before the broker binds. */
    public static int pickFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /**
     * Returns {@code port} after checking that it can be bound, or, when it is 0, a free port other
     * than {@code avoid} (the broker and its controller need two different ports).
     */
    public static int resolve(int port, int avoid) {
        if (port != 0) {
            requireFree(port);
            return port;
        }
        int picked = pickFree();
        while (picked == avoid) {
            picked = pickFree();
        }
        return picked;
    }

    /**
     * Fails with a {@link LocalKafkaException} if {@code port} cannot be bound. Binds with
     * SO_REUSEADDR like Kafka's own listener, so that a port left in TIME_WAIT by a killed broker
     * still counts as free.
     */
    public static void requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
        } catch (IOException e) {
            throw new LocalKafkaException("port " + port + " on 127.0.0.1 is already in use", e);
        }
    }

    /** True when something accepts TCP connections on {@code port}. */
    public static boolean isListening(int port, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
