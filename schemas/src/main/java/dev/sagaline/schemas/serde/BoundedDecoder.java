package dev.sagaline.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An Avro binary decoder over one record's bytes that refuses any length the record cannot hold
 * before anything is allocated. Avro sizes a string, a bytes value and an array or map block
 * from the length prefix it reads, and its own limits ({@code org.apache.avro.limits.*}) allow
 * about 2 GB by default and are read once per JVM: thirteen bytes claiming a 2 GB string made the
 * reader allocate 2 GB and stop the stream thread with an {@code OutOfMemoryError}. Here a string
 * or bytes value may be at most as long as the record's body, and a collection block may declare
 * at most as many items as the body has bytes (every item of the protocol's collections takes at
 * least one byte), so what one record can make the reader allocate is bounded by its size.
 *
 * <p>A length out of bounds is a {@link SerializationException} naming the length and the bound,
 * which the serdes turn into a dead letter like any other unreadable record.
 */
final class BoundedDecoder extends Decoder {

    private final BinaryDecoder in;
    private final int limit;

    private BoundedDecoder(BinaryDecoder in, int limit) {
        this.in = in;
        this.limit = limit;
    }

    /** A decoder of {@code length} bytes of {@code data} from {@code offset}. */
    static BoundedDecoder of(byte[] data, int offset, int length) {
        return new BoundedDecoder(DecoderFactory.get().binaryDecoder(data, offset, length, null), length);
    }

    /** True when every byte of the record was read. */
    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("bytes value");
        ByteBuffer result;
        if (old != null && old.hasArray() && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        in.readFixed(result.array(), result.arrayOffset() + result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("bytes value"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return items(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return items(in.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return items(in.skipArray(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return items(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return items(in.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return items(in.skipMap(), "map");
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    private int length(String what) throws IOException {
        long length = in.readLong();
        if (length < 0 || length > limit) {
            throw new SerializationException("a " + what + " claims " + length + " bytes but the whole record body has "
                    + limit + ": the record is corrupt");
        }
        return (int) length;
    }

    /** Avro's block count; the block reader already turned a negative count (a sized block) into its item count. */
    private long items(long count, String what) {
        if (count < 0 || count > limit) {
            throw new SerializationException("the " + what + " block claims " + count + " items but the whole record body has "
                    + limit + " bytes: the record is corrupt");
        }
        return count;
    }
}
