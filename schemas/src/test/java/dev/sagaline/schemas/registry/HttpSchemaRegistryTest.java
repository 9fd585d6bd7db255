package dev.sagaline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import dev.sagaline.schemas.testsupport.FakeSchemaRegistryServer;
import dev.sagaline.schemas.testsupport.FakeSchemaRegistryServer.Request;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against a fake Confluent-compatible registry on 127.0.0.1. */
class HttpSchemaRegistryTest {

    private static final Schema REPLY = StepReply.getClassSchema();

    private final FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start();
    private final HttpSchemaRegistry client = clientOf(server.uri());

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void registerReturnsTheIdTheRegistryAssigned() {
        int id = client.register("sagaline.replies-value", REPLY);

        assertThat(server.idsUnder("sagaline.replies-value")).containsExactly(id);
        assertThat(server.requests()).extracting(Request::toString)
                .containsExactly("POST /subjects/sagaline.replies-value/versions");
    }

    @Test
    void registeringTheSameSchemaTwiceCallsTheRegistryOnce() {
        int first = client.register("sagaline.replies-value", REPLY);
        int second = client.register("sagaline.replies-value", REPLY);

        assertThat(second).isEqualTo(first);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void schemaByIdFetchesOnceAndCaches() {
        int id = server.preload(REPLY.toString());

        Schema first = client.schemaById(id);
        Schema second = client.schemaById(id);

        assertThat(first).isEqualTo(REPLY);
        assertThat(second).isSameAs(first);
        assertThat(server.requests()).extracting(Request::toString).containsExactly("GET /schemas/ids/" + id);
    }

    @Test
    void schemaByIdOfARegisteredSchemaNeedsNoRequest() {
        int id = client.register("sagaline.replies-value", REPLY);

        assertThat(client.schemaById(id)).isEqualTo(REPLY);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void unknownIdIsASchemaRegistryExceptionNamingTheIdAndStatus() {
        assertThatThrownBy(() -> client.schemaById(77))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("cannot fetch schema id 77: registry answered HTTP 404")
                .hasMessageContaining("Schema not found");
    }

    @Test
    void serverErrorIsAnUnavailableRegistryNamingTheSubjectAndStatus() {
        server.failEveryRequestWith(500);

        assertThatThrownBy(() -> client.register("sagaline.replies-value", REPLY))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageStartingWith("cannot register subject 'sagaline.replies-value': registry answered HTTP 500");
    }

    @Test
    void retriesAnUnavailableRegistryUntilItAnswers() throws InterruptedException {
        int id = server.preload(REPLY.toString());
        server.failEveryRequestWith(503);
        Thread recovery = new Thread(() -> {
            sleep(700);
            server.failEveryRequestWith(0);
        });
        recovery.start();

        Schema found = new RetryingSchemaRegistry(client, Duration.ofSeconds(30)).schemaById(id);

        recovery.join();
        assertThat(found).isEqualTo(REPLY);
        assertThat(server.requests()).as("requests while the registry answered 503, then one that succeeded").hasSizeGreaterThan(2);
    }

    @Test
    void neverRetriesADefiniteAnswerThatTheIdDoesNotExist() {
        assertThatThrownBy(() -> new RetryingSchemaRegistry(client, Duration.ofSeconds(30)).schemaById(77))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 404");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void givesUpOnAnUnavailableRegistryAfterItsPatienceStillUnavailable() {
        server.failEveryRequestWith(503);

        assertThatThrownBy(() -> new RetryingSchemaRegistry(client, Duration.ofMillis(400)).schemaById(100))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageStartingWith("schema registry still unavailable after ")
                .hasMessageContaining("to fetch schema id 100");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void failedRegistrationIsNotCached() {
        server.failEveryRequestWith(500);
        assertThatThrownBy(() -> client.register("sagaline.replies-value", REPLY)).isInstanceOf(SchemaRegistryException.class);
        server.failEveryRequestWith(0);

        int id = client.register("sagaline.replies-value", REPLY);

        assertThat(server.idsUnder("sagaline.replies-value")).containsExactly(id);
    }

    @Test
    void unreachableRegistryIsAnUnavailableRegistryNamingTheAddress() {
        URI gone = server.uri();
        server.close();

        assertThatThrownBy(() -> clientOf(gone).register("sagaline.replies-value", REPLY))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageStartingWith("cannot register subject 'sagaline.replies-value' at " + gone + "/subjects/")
                .hasMessageContaining("ConnectException")
                .hasMessageNotContaining("null");
    }

    @Test
    void serdeRoundTripsThroughTheRegistryUnderTheTopicValueSubject() {
        StepCommand command = ProtocolFixtures.stepCommand();
        byte[] bytes = new ProtocolSerdes(client).commands().serialize("sagaline.commands.inventory", command);
        HttpSchemaRegistry freshClient = clientOf(server.uri());

        StepCommand decoded = new ProtocolSerdes(freshClient).commands().deserialize("sagaline.commands.inventory", bytes);

        assertThat(decoded).isEqualTo(command);
        int id = server.idsUnder("sagaline.commands.inventory-value").get(0);
        assertThat(server.requests()).extracting(Request::toString).containsExactly(
                "POST /subjects/sagaline.commands.inventory-value/versions", "GET /schemas/ids/" + id);
    }

    @Test
    void sendsTheConfiguredHeadersAndTheRegistryContentType() {
        HttpSchemaRegistry withAuth = new HttpSchemaRegistry(server.uri(), Map.of("Authorization", "Bearer t0ken"),
                Duration.ofSeconds(5));

        withAuth.register("sagaline.replies-value", REPLY);

        assertThat(server.requests().get(0).headers())
                .containsEntry("authorization", "Bearer t0ken")
                .containsEntry("content-type", "application/vnd.schemaregistry.v1+json");
    }

    private static HttpSchemaRegistry clientOf(URI uri) {
        return new HttpSchemaRegistry(uri, Map.of(), Duration.ofSeconds(5));
    }
}
