package dev.sagaline.localkafka.internals;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random passwords for the throwaway users and key stores of a secured local broker. */
public final class Passwords {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** 128 random bits as hex: no character that a JAAS line or a SCRAM argument would have to quote. */
    public static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
