package dev.sagaline.localkafka;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Collects the brokers that {@code @LocalKafka(shared = true)} classes received, whatever order they run in. */
final class SharedBrokerWitness {

    private static final Set<LocalKafkaBroker> SEEN = Collections.synchronizedSet(
            Collections.newSetFromMap(new IdentityHashMap<>()));

    private SharedBrokerWitness() {
    }

    /** Records {@code broker} and returns every distinct broker recorded so far. */
    static Set<LocalKafkaBroker> saw(LocalKafkaBroker broker) {
        SEEN.add(broker);
        synchronized (SEEN) {
            return Set.copyOf(SEEN);
        }
    }
}
