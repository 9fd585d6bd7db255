import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Wrote the records in this directory once, with the protocol schemas of release 0.1.0
 * (schemas/src/compat/released, commit 6e2ac5d), as a 0.1.0 orchestrator, participant and client
 * would have: Schema Registry wire format under the ids a registry gave those schemas (see
 * README.md). Run from the repository root:
 * java -cp AVRO_AND_JACKSON_JARS saga-topology/testkit/src/test/resources/upgrade/0.1.0/Generate.java
 */
public class Generate {

    static final Path RELEASED = Path.of("schemas/src/compat/released/dev/sagaline/protocol/v1");
    static final Path OUT = Path.of("saga-topology/testkit/src/test/resources/upgrade/0.1.0");
    static final long T0 = 1_893_456_000_000L; // 2030-01-01T00:00:00Z
    static Schema.Parser parser = new Schema.Parser();
    static Map<String, Schema> types;

    public static void main(String[] args) throws Exception {
        for (String file : List.of("Payload", "StepAction", "StepOutcome", "StepStatus", "SagaStatus", "SagaRequest", "StepCommand",
                "StepReply", "SagaState")) {
            parser.parse(RELEASED.resolve(file + ".avsc").toFile());
        }
        types = parser.getTypes();
        Map<String, Integer> ids = Map.of("SagaRequest", 1, "StepCommand", 2, "StepReply", 3, "SagaState", 4);
        for (Map.Entry<String, Integer> id : ids.entrySet()) {
            Files.writeString(OUT.resolve(id.getKey() + ".avsc"), type(id.getKey()).toString(true) + "\n");
        }

        GenericRecord reserved = step("reserve-stock", "SUCCEEDED", 1, null, json("{\"reservation\":\"r-1\"}"));
        GenericRecord charging = step("charge-payment", "IN_FLIGHT", 1, "o-1/charge-payment/DO/1", null);
        GenericRecord ship = record("StepState", Map.of("name", "ship", "status", symbol("StepStatus", "PENDING")));
        GenericRecord state = record("SagaState", Map.of("sagaId", "o-1", "sagaType", "order", "definitionVersion", 1,
                "status", symbol("SagaStatus", "RUNNING"), "cursor", 1, "steps", List.of(reserved, charging, ship),
                "input", json("{\"order\":\"o-1\"}"), "metadata", Map.of("traceId", "t-1"), "startedAtMs", T0, "eventSequence", 4L));
        write("state-o-1-charging.bin", 4, state);

        write("reply-o-1-charge-payment-succeeded.bin", 3, reply("o-1", "charge-payment", "DO", 1, "SUCCEEDED", json("{\"charge\":\"c-1\"}")));
        write("reply-o-1-charge-payment-failed.bin", 3, reply("o-1", "charge-payment", "DO", 1, "FAILED", null));
        write("reply-o-1-ship-succeeded.bin", 3, reply("o-1", "ship", "DO", 1, "SUCCEEDED", null));
        write("reply-o-1-charge-payment-compensated.bin", 3, reply("o-1", "charge-payment", "COMPENSATE", 1, "SUCCEEDED", null));
        write("reply-o-1-reserve-stock-compensated.bin", 3, reply("o-1", "reserve-stock", "COMPENSATE", 1, "SUCCEEDED", null));

        GenericRecord start = record("StartSaga", Map.of("sagaType", "order", "input", json("{\"order\":\"o-2\"}")));
        write("request-start-o-2.bin", 1, record("SagaRequest", Map.of("sagaId", "o-2", "requestId", "req-1", "body", start,
                "metadata", Map.of("traceId", "t-2"))));

        write("command-o-3-reserve-stock-do.bin", 2, record("StepCommand", Map.of("commandId", "o-3/reserve-stock/DO/1", "sagaId", "o-3",
                "sagaType", "order", "definitionVersion", 1, "step", "reserve-stock", "action", symbol("StepAction", "DO"), "attempt", 1,
                "replyTopic", "sagaline.replies", "issuedAtMs", T0, "metadata", Map.of("traceId", "t-3"))));
        write("command-o-3-reserve-stock-compensate.bin", 2, record("StepCommand", Map.of("commandId", "o-3/reserve-stock/COMPENSATE/1",
                "sagaId", "o-3", "sagaType", "order", "definitionVersion", 1, "step", "reserve-stock",
                "action", symbol("StepAction", "COMPENSATE"), "attempt", 1, "replyTopic", "sagaline.replies", "issuedAtMs", T0 + 1000,
                "metadata", Map.of("traceId", "t-3"))));
    }

    static GenericRecord step(String name, String status, int attempt, String commandId, GenericRecord output) {
        GenericRecord step = record("StepState", Map.of("name", name, "status", symbol("StepStatus", status), "sent", true,
                "attempt", attempt, "action", symbol("StepAction", "DO")));
        step.put("commandId", commandId);
        step.put("output", output);
        return step;
    }

    static GenericRecord reply(String sagaId, String step, String action, int attempt, String outcome, GenericRecord output) {
        GenericRecord reply = record("StepReply", Map.of("commandId", sagaId + "/" + step + "/" + action + "/" + attempt, "sagaId", sagaId,
                "step", step, "action", symbol("StepAction", action), "attempt", attempt, "outcome", symbol("StepOutcome", outcome),
                "repliedAtMs", T0 + 2000));
        reply.put("output", output);
        if (!outcome.equals("SUCCEEDED")) {
            reply.put("errorCode", "CARD_DECLINED");
            reply.put("errorMessage", "declined by the issuer");
        }
        return reply;
    }

    static GenericRecord json(String text) {
        return record("Payload", Map.of("encoding", symbol("PayloadEncoding", "JSON"), "schemaName", "application/json",
                "data", ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** A record of the named type: the given fields, every other field its schema default. */
    static GenericRecord record(String name, Map<String, Object> fields) {
        Schema schema = type(name);
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            record.put(field.name(), fields.containsKey(field.name()) ? fields.get(field.name())
                    : field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null);
        }
        return record;
    }

    static GenericData.EnumSymbol symbol(String enumName, String symbol) {
        return new GenericData.EnumSymbol(type(enumName), symbol);
    }

    static Schema type(String name) {
        return types.get("dev.sagaline.protocol.v1." + name);
    }

    static void write(String file, int schemaId, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        Files.write(OUT.resolve(file), out.toByteArray());
    }
}
