package dev.sagaline.localkafka;

import dev.sagaline.localkafka.internals.LogTail;
import dev.sagaline.localkafka.internals.Passwords;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server key signed by it, made with the JDK's
 * {@code keytool} so that no key file is ever committed: a PKCS12 keystore holding the server's
 * key and chain (subject alternative name {@code IP:127.0.0.1}, so clients verify the host name as
 * usual), and a PKCS12 truststore holding only the CA's certificate, for clients. Both use one
 * random password; the CA's key is deleted once it has signed. A {@linkplain
 * LocalKafkaBroker.Builder#secured() secured broker} makes its own at start-up; tests make one for
 * any other TLS server on 127.0.0.1, such as a schema registry.
 *
 * @param keystore the server's key and certificate chain
 * @param truststore the CA certificate clients trust
 * @param password the password of both stores (and of the key in the keystore)
 */
public record LocalCertificates(Path keystore, Path truststore, String password) {

    /** The store type of both files. */
    public static final String STORE_TYPE = "PKCS12";

    private static final String HOST = "127.0.0.1";
    private static final String CA_ALIAS = "sagaline-local-ca";
    private static final String SERVER_ALIAS = "server";
    /** Long enough for a week-long benchmark on a kept directory; the material is regenerated on every start. */
    private static final String VALIDITY_DAYS = "30";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    private static final String PASSWORD_VARIABLE = "LOCAL_KAFKA_STORE_PASSWORD";

    /** Writes a new CA, keystore and truststore into {@code directory} (created if absent). */
    public static LocalCertificates generate(Path directory) {
        try {
            Files.createDirectories(directory);
            Path keystore = directory.resolve("server.p12");
            Path truststore = directory.resolve("truststore.p12");
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(truststore);
            String password = Passwords.random();
            keytool(directory, password, "-genkeypair", "-alias", CA_ALIAS, "-dname", "CN=Sagaline local-kafka throwaway CA",
                    "-ext", "bc:c", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", VALIDITY_DAYS,
                    "-keystore", keystore.toString(), "-storetype", STORE_TYPE);
            keytool(directory, password, "-genkeypair", "-alias", SERVER_ALIAS, "-dname", "CN=" + HOST,
                    "-ext", "san=ip:" + HOST, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-validity", VALIDITY_DAYS, "-signer", CA_ALIAS,
                    "-keystore", keystore.toString(), "-storetype", STORE_TYPE);
            splitOffCa(keystore, truststore, password.toCharArray());
            return new LocalCertificates(keystore, truststore, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new LocalKafkaException("cannot create TLS keystores in " + directory + ": " + e, e);
        }
    }

    /** Hides the password, so a record printed in a log or an assertion gives nothing away. */
    @Override
    public String toString() {
        return "LocalCertificates[keystore=" + keystore + ", truststore=" + truststore + ", password=[hidden]]";
    }

    /** Moves the CA certificate into the truststore and drops the CA's key from the keystore. */
    private static void splitOffCa(Path keystore, Path truststore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance(STORE_TYPE);
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password);
        }
        KeyStore trust = KeyStore.getInstance(STORE_TYPE);
        trust.load(null, password);
        trust.setCertificateEntry(CA_ALIAS, keys.getCertificate(CA_ALIAS));
        keys.deleteEntry(CA_ALIAS);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trust.store(out, password);
        }
        try (OutputStream out = Files.newOutputStream(keystore)) {
            keys.store(out, password);
        }
    }

    private static void keytool(Path directory, String password, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // keytool is a short-lived JVM: the quick compiler and a small heap start it fastest.
        command.add("-J-XX:TieredStopAtLevel=1");
        command.add("-J-Xmx64m");
        command.addAll(List.of(arguments));
        // From the environment rather than the command line, where every local user could read it.
        command.addAll(List.of("-storepass:env", PASSWORD_VARIABLE));
        Path output = directory.resolve("keytool.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + arguments[0] + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool " + arguments[0] + " ran", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + arguments[0] + " exited with " + process.exitValue() + ": "
                    + String.join(" | ", LogTail.lastLines(output, 5)));
        }
        Files.writeString(output, "", StandardCharsets.UTF_8);
    }
}
