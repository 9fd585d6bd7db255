package dev.sagaline.participant.testsupport;

import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Commands as a newer orchestrator writes them: with a schema whose StepAction has a symbol this participant does not know. */
public final class NewerCommands {

    /** The action symbol only the newer schema has. */
    public static final String NEWER_ACTION = "ARCHIVE";

    private NewerCommands() {
    }

    /**
     * {@code command} in the wire format under a newer StepCommand schema (registered in
     * {@code registry} under {@code subject}), its action {@value #NEWER_ACTION}.
     */
    public static byte[] withNewerAction(SchemaRegistry registry, String subject, StepCommand command) {
        Schema current = StepCommand.getClassSchema();
        Schema newer = new Schema.Parser().parse(current.toString()
                .replace("\"CANCEL\",\"FORGET\"]", "\"CANCEL\",\"FORGET\",\"" + NEWER_ACTION + "\"]"));
        if (!newer.getField("action").schema().getEnumSymbols().contains(NEWER_ACTION)) {
            throw new IllegalStateException("StepAction's symbols changed; update " + NewerCommands.class.getSimpleName());
        }
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
            new SpecificDatumWriter<StepCommand>(current).write(command, encoder);
            encoder.flush();
            GenericRecord asNewer = new GenericDatumReader<GenericRecord>(current, newer).read(null,
                    DecoderFactory.get().binaryDecoder(body.toByteArray(), null));
            asNewer.put("action", new GenericData.EnumSymbol(newer.getField("action").schema(), NEWER_ACTION));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(registry.register(subject, newer)).array());
            encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(newer).write(asNewer, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
