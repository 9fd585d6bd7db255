package dev.sagaline.schemas.testsupport;

import dev.sagaline.protocol.v1.AbortSaga;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.protocol.v1.ResolveStep;
import dev.sagaline.protocol.v1.RetrySaga;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepResolution;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Named;

/**
 * One fully populated instance of every protocol record: every optional field is set, so a round
 * trip exercises every union branch. Each call builds fresh instances.
 */
public final class ProtocolFixtures {

    public static final String SAGA_ID = "order-42";
    /** Millisecond precision, as timestamp-millis fields keep. */
    public static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_123L);

    private ProtocolFixtures() {
    }

    /** Every protocol record, named for test reports. */
    public static Stream<Named<SpecificRecord>> everyRecord() {
        return Stream.of(
                Named.of("SagaRequest with StartSaga", startSaga()),
                Named.of("SagaRequest with AbortSaga", abortSaga()),
                Named.of("SagaRequest with RetrySaga", retrySaga()),
                Named.of("StepCommand", stepCommand()),
                Named.of("StepReply", stepReply()),
                Named.of("SagaEvent", sagaEvent()),
                Named.of("SagaState with StepStates", sagaState()),
                Named.of("Payload", payload()));
    }

    public static Payload payload() {
        return Payload.newBuilder()
                .setEncoding(PayloadEncoding.JSON)
                .setSchemaName("application/json")
                .setData(ByteBuffer.wrap("{\"sku\":\"SKU-1\",\"quantity\":2}".getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    public static SagaRequest startSaga() {
        return request(StartSaga.newBuilder()
                .setSagaType("order")
                .setDefinitionVersion(3)
                .setInput(payload())
                .setDeadlineMs(T0.plusSeconds(600))
                .build());
    }

    public static SagaRequest abortSaga() {
        return request(AbortSaga.newBuilder().setReason("customer cancelled").build());
    }

    public static SagaRequest retrySaga() {
        return request(RetrySaga.newBuilder().setReason("payment provider is back")
                .setResolve(ResolveStep.newBuilder().setStep("charge-card").setOutcome(StepResolution.NOT_APPLIED)
                        .setReason("the provider has no charge for this order").setOperator("alice").build())
                .build());
    }

    private static SagaRequest request(Object body) {
        return SagaRequest.newBuilder()
                .setSagaId(SAGA_ID)
                .setRequestId("req-7")
                .setBody(body)
                .setMetadata(Map.of("traceId", "abc123"))
                .build();
    }

    public static StepCommand stepCommand() {
        return StepCommand.newBuilder()
                .setCommandId("cmd-1")
                .setSagaId(SAGA_ID)
                .setSagaType("order")
                .setDefinitionVersion(3)
                .setStep("reserve-stock")
                .setAction(StepAction.DO)
                .setAttempt(1)
                .setInput(payload())
                .setReplyTopic("sagaline.replies")
                .setIssuedAtMs(T0)
                .setMetadata(Map.of("traceId", "abc123"))
                .build();
    }

    public static StepReply stepReply() {
        return StepReply.newBuilder()
                .setCommandId("cmd-1")
                .setSagaId(SAGA_ID)
                .setStep("reserve-stock")
                .setAction(StepAction.DO)
                .setAttempt(1)
                .setOutcome(StepOutcome.FAILED)
                .setOutput(payload())
                .setErrorCode("OUT_OF_STOCK")
                .setErrorMessage("SKU-1 has 0 left")
                .setRepliedAtMs(T0.plusMillis(40))
                .build();
    }

    public static SagaEvent sagaEvent() {
        return SagaEvent.newBuilder()
                .setSagaId(SAGA_ID)
                .setSagaType("order")
                .setDefinitionVersion(3)
                .setSequence(5L)
                .setKind(SagaEventKind.STEP_FAILED)
                .setFromStatus(SagaStatus.RUNNING)
                .setToStatus(SagaStatus.COMPENSATING)
                .setStep("reserve-stock")
                .setAction(StepAction.DO)
                .setAttempt(1)
                .setCommandId("cmd-1")
                .setReason("step reserve-stock failed")
                .setErrorCode("OUT_OF_STOCK")
                .setErrorMessage("SKU-1 has 0 left")
                .setTimestampMs(T0.plusMillis(41))
                .build();
    }

    public static SagaState sagaState() {
        List<StepState> steps = new ArrayList<>();
        steps.add(StepState.newBuilder()
                .setName("reserve-stock")
                .setStatus(StepStatus.SUCCEEDED)
                .setSent(true)
                .setAttempt(2)
                .setAction(StepAction.DO)
                .setCommandId("cmd-1")
                .setOutput(payload())
                .setLastErrorCode("TIMEOUT")
                .setLastErrorMessage("first attempt timed out")
                .setDueMs(T0.plusSeconds(30))
                .setBudgetStart(1)
                .build());
        steps.add(StepState.newBuilder()
                .setName("charge-card")
                .setStatus(StepStatus.UNDOING)
                .setSent(true)
                .setAttempt(3)
                .setAction(StepAction.COMPENSATE)
                .setCommandId("cmd-2")
                .setOutput(payload())
                .setLastErrorCode("DECLINED")
                .setLastErrorMessage("card declined")
                .setDueMs(T0.plusSeconds(45))
                .setBudgetStart(2)
                .build());
        return SagaState.newBuilder()
                .setSagaId(SAGA_ID)
                .setSagaType("order")
                .setDefinitionVersion(3)
                .setStatus(SagaStatus.STUCK)
                .setStuckFrom(SagaStatus.COMPENSATING)
                .setCursor(1)
                .setSteps(steps)
                .setInput(payload())
                .setMetadata(Map.of("traceId", "abc123"))
                .setStartedAtMs(T0)
                .setDeadlineMs(T0.plusSeconds(600))
                .setFinishedAtMs(T0.plusSeconds(60))
                .setPivotPassed(true)
                .setFailureReason("step charge-card failed")
                .setTimerMs(T0.plusSeconds(30))
                .setEventSequence(9L)
                .build();
    }

    /**
     * The fields of {@code record} (and of the records nested in it) that hold null, as
     * {@code Record.field}; empty when a fixture sets every field.
     */
    public static List<String> nullFields(SpecificRecord record) {
        List<String> nulls = new ArrayList<>();
        collectNullFields(record, nulls);
        return nulls;
    }

    private static void collectNullFields(Object value, List<String> nulls) {
        if (value instanceof SpecificRecord) {
            SpecificRecord record = (SpecificRecord) value;
            for (Schema.Field field : record.getSchema().getFields()) {
                Object fieldValue = record.get(field.pos());
                if (fieldValue == null) {
                    nulls.add(record.getSchema().getName() + "." + field.name());
                }
                collectNullFields(fieldValue, nulls);
            }
        } else if (value instanceof List) {
            for (Object element : (List<?>) value) {
                collectNullFields(element, nulls);
            }
        }
    }
}
