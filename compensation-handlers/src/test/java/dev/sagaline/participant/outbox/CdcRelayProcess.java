package dev.sagaline.participant.outbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A CDC relay in a JVM of its own, for {@link CdcRelayCrashIT} to kill: it prints
 * {@value #STREAMING} once streaming, and, when told to, halts the JVM (no shutdown, no offset
 * flush) the moment the broker acknowledges its N-th message. Otherwise it runs until its
 * standard input closes, then closes the relay cleanly.
 *
 * <p>Arguments: postgres port, database, relay and slot name, bootstrap servers, N (0 = never halt).
 */
public final class CdcRelayProcess {

    static final String STREAMING = "CDC-RELAY-STREAMING";
    static final int HALTED = 77;

    private CdcRelayProcess() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String database = args[1];
        String name = args[2];
        String bootstrapServers = args[3];
        int haltAfter = Integer.parseInt(args[4]);

        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(database);
        dataSource.setUser("postgres");
        try (Producer<String, byte[]> real = RelayProducer.create(Map.of("bootstrap.servers", bootstrapServers), name);
                CdcRelay relay = CdcRelay.builder()
                        .dataSource(dataSource)
                        .database(new DatabaseAddress("127.0.0.1", port, database, "postgres", ""))
                        .producer(haltingAfter(real, haltAfter))
                        .name(name)
                        .slotName(name)
                        .publicationName(name)
                        // Far longer than the test: the halt always comes before an offset is recorded.
                        .offsetFlushInterval(Duration.ofMinutes(10))
                        .build()
                        .start()) {
            if (!relay.awaitStreaming(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the relay did not start streaming within a minute");
            }
            System.out.println(STREAMING);
            System.out.flush();
            while (System.in.read() != -1) {
                Thread.onSpinWait();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Producer<String, byte[]> haltingAfter(Producer<String, byte[]> real, int haltAfter) {
        AtomicInteger acknowledged = new AtomicInteger();
        return (Producer<String, byte[]>) Proxy.newProxyInstance(Producer.class.getClassLoader(), new Class<?>[] {Producer.class},
                (self, method, args) -> {
                    if (haltAfter > 0 && method.getName().equals("send")) {
                        Callback callback = args.length > 1 ? (Callback) args[1] : null;
                        return real.send((ProducerRecord<String, byte[]>) args[0], (metadata, error) -> {
                            if (error == null && acknowledged.incrementAndGet() >= haltAfter) {
                                Runtime.getRuntime().halt(HALTED);
                            }
                            if (callback != null) {
                                callback.onCompletion(metadata, error);
                            }
                        });
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
