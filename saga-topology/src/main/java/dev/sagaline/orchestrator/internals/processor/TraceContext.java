package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StartSaga;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * W3C trace context across a saga: the {@code traceparent} header of the start request is kept in
 * the saga's metadata (which the state store keeps and every command copies), and put back as a
 * header on every command and event, so tracing tools that read headers follow the saga end to
 * end. Participants copy a command's headers onto its reply.
 */
final class TraceContext {

    /** The W3C Trace Context header, and the metadata key it is kept under. */
    static final String TRACEPARENT = "traceparent";

    private TraceContext() {
    }

    /** Keeps a start request's {@code traceparent} header in its metadata, unless the metadata names one already. */
    static void adopt(Headers headers, SagaRequest request) {
        Header header = headers.lastHeader(TRACEPARENT);
        if (header == null || header.value() == null || !(request.getBody() instanceof StartSaga)
                || request.getMetadata().containsKey(TRACEPARENT)) {
            return;
        }
        Map<String, String> metadata = new HashMap<>(request.getMetadata());
        metadata.put(TRACEPARENT, new String(header.value(), StandardCharsets.UTF_8));
        request.setMetadata(metadata);
    }

    /** The headers every record of the saga carries; empty when it has no trace context. */
    static Headers headersOf(SagaState state) {
        RecordHeaders headers = new RecordHeaders();
        String traceparent = state == null ? null : state.getMetadata().get(TRACEPARENT);
        if (traceparent != null) {
            headers.add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** A copy per record: a sink's serializer may add headers of its own. */
    static Headers copy(Headers headers) {
        return new RecordHeaders(headers.toArray());
    }
}
