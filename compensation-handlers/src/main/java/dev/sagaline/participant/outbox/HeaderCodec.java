package dev.sagaline.participant.outbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stores an outbox message's headers in one binary column: a count, then each name and value as
 * length-prefixed UTF-8. A separate header table would need a join in the relay's hot query, and
 * a JSON column would tie the table to one database's JSON type.
 */
final class HeaderCodec {

    private static final byte VERSION = 1;

    private HeaderCodec() {
    }

    /** Null for no headers, so most rows store nothing. */
    static byte[] encode(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(headers.size());
            for (Map.Entry<String, String> header : headers.entrySet()) {
                writeText(out, header.getKey());
                writeText(out, header.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static Map<String, String> decode(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            return Map.of();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IOException("unknown header encoding version " + version);
            }
            int count = in.readInt();
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                headers.put(readText(in), readText(in));
            }
            return Collections.unmodifiableMap(headers);
        } catch (IOException e) {
            throw new IllegalStateException("the headers column holds bytes this version cannot read: " + e.getMessage(), e);
        }
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readText(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
