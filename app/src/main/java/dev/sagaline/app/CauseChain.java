package dev.sagaline.app;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwable and its causes as one line. Kafka clients wrap a root cause in two or three layers
 * ("Failed to create new KafkaAdminClient" / "Failed to load SSL keystore ..." / the file that is
 * missing); the operator needs each layer's words once, not 90 lines of frames.
 */
final class CauseChain {

    private CauseChain() {
    }

    /** Each distinct message of {@code error} and its causes, outermost first, joined by ": ". */
    static String oneLine(Throwable error) {
        List<String> parts = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage().strip();
            // A wrapper built as new X(cause) repeats the cause's toString(); keep the cause's words only.
            if (t.getCause() != null && message.equals(t.getCause().toString())) {
                continue;
            }
            if (parts.isEmpty() || !parts.get(parts.size() - 1).contains(message)) {
                parts.add(message.replaceAll("\\s*\\R\\s*", " "));
            }
        }
        return String.join(": ", parts);
    }
}
