package dev.sagaline.app.http;

import dev.sagaline.protocol.v1.AbortSaga;
import dev.sagaline.protocol.v1.ResolveStep;
import dev.sagaline.protocol.v1.RetrySaga;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StepResolution;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes operators' retry, abort and resolve requests to the requests topic, where the
 * orchestrator handles them in order with the saga's other input; the API never touches the
 * store. Each request gets a fresh id, returned to the operator and echoed in the saga's events,
 * and names the operator (recorded by the orchestrator in the event's reason) and, for tools, in
 * its metadata.
 */
final class OperatorRequests implements AutoCloseable {

    /** Metadata key naming who sent an operator request. */
    static final String OPERATOR_METADATA = "sagaline.operator";

    private final String topic;
    private final KafkaProducer<String, SagaRequest> producer;

    OperatorRequests(String topic, Map<String, Object> clientProperties, SpecificAvroSerde<SagaRequest> serde) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>();
        clientProperties.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
    }

    String retry(String sagaId, String operator, String reason) {
        return send(sagaId, operator, RetrySaga.newBuilder().setReason(given(reason)).setOperator(operator).build());
    }

    String abort(String sagaId, String operator, String reason) {
        return send(sagaId, operator, AbortSaga.newBuilder().setReason(given(reason)).setOperator(operator).build());
    }

    String resolve(String sagaId, String operator, String step, StepResolution outcome, String reason) {
        return send(sagaId, operator, ResolveStep.newBuilder().setStep(step).setOutcome(outcome).setReason(given(reason))
                .setOperator(operator).build());
    }

    private static String given(String reason) {
        return reason == null || reason.isBlank() ? "no reason given" : reason;
    }

    private String send(String sagaId, String operator, Object body) {
        String requestId = "op-" + UUID.randomUUID();
        SagaRequest request = SagaRequest.newBuilder().setSagaId(sagaId).setRequestId(requestId).setBody(body)
                .setMetadata(Map.of(OPERATOR_METADATA, operator)).build();
        try {
            producer.send(new ProducerRecord<>(topic, sagaId, request)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpProblem.unavailable("interrupted while writing the request");
        } catch (ExecutionException | TimeoutException e) {
            throw HttpProblem.unavailable("could not write the request to " + topic + ": " + e.getMessage());
        }
        return requestId;
    }

    @Override
    public void close() {
        producer.close();
    }
}
