package dev.sagaline.badinput;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * The ways a record's bytes can be broken, applied to the valid Schema Registry wire-format bytes
 * (magic byte 0, 4-byte schema id, Avro body) of a record of the topic, so that every input
 * topic's bad-input matrix breaks its records the same way.
 */
public enum Corruption {

    /** 64 bytes from a seeded generator; the first is not the magic byte 0. */
    RANDOM_BYTES {
        @Override
        public byte[] applyTo(byte[] valid) {
            byte[] bytes = new byte[64];
            new Random(20).nextBytes(bytes);
            return bytes;
        }
    },
    /** The record with magic byte 1 instead of 0. */
    WRONG_MAGIC_BYTE {
        @Override
        public byte[] applyTo(byte[] valid) {
            byte[] bytes = valid.clone();
            bytes[0] = 1;
            return bytes;
        }
    },
    /** The record's body under schema id {@value #UNKNOWN_SCHEMA_ID_VALUE}, which no registry holds. */
    UNKNOWN_SCHEMA_ID {
        @Override
        public byte[] applyTo(byte[] valid) {
            return ByteBuffer.wrap(valid.clone()).putInt(1, UNKNOWN_SCHEMA_ID_VALUE).array();
        }
    },
    /** The record cut after half its body. */
    TRUNCATED {
        @Override
        public byte[] applyTo(byte[] valid) {
            return Arrays.copyOf(valid, 5 + (valid.length - 5) / 2);
        }
    },
    /**
     * The 13 bytes of issue 18 under the record's schema id: an Avro length prefix of
     * 2,147,483,639 bytes, then "abc" — a payload that claims to be larger than any record.
     */
    OVERSIZE_LENGTH_PREFIX {
        @Override
        public byte[] applyTo(byte[] valid) {
            return ByteBuffer.allocate(13).put(valid, 0, 5)
                    .put(new byte[] {(byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 'a', 'b', 'c'}).array();
        }
    };

    /** The schema id {@link #UNKNOWN_SCHEMA_ID} writes. */
    public static final int UNKNOWN_SCHEMA_ID_VALUE = 424_242;

    /** The broken version of {@code valid}, a record in the Schema Registry wire format. */
    public abstract byte[] applyTo(byte[] valid);
}
