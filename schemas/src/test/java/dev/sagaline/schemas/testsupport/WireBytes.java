package dev.sagaline.schemas.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Builds and takes apart Schema Registry wire-format bytes by hand, independently of the serde. */
public final class WireBytes {

    public static final int HEADER_SIZE = 5;

    private WireBytes() {
    }

    /** Magic byte 0, {@code schemaId} big-endian, then {@code body}. */
    public static byte[] framed(int schemaId, byte[] body) {
        return ByteBuffer.allocate(HEADER_SIZE + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    /** The bytes after the 5-byte header. */
    public static byte[] body(byte[] framed) {
        return Arrays.copyOfRange(framed, HEADER_SIZE, framed.length);
    }

    /** Plain Avro binary of a generated record, no header. */
    public static byte[] plainAvro(SpecificRecord record) {
        return encode(new SpecificDatumWriter<>(record.getSchema()), record);
    }

    /** Plain Avro binary of a generic datum written with {@code schema}, no header. */
    public static byte[] plainAvro(Schema schema, Object datum) {
        return encode(new GenericDatumWriter<>(schema), datum);
    }

    private static <D> byte[] encode(DatumWriter<D> writer, D datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
