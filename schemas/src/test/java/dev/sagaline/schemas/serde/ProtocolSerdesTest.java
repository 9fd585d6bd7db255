package dev.sagaline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** ProtocolSerdes hands out one serde per protocol record, all on the registry it was built with. */
class ProtocolSerdesTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);

    @Test
    void everySerdeRoundTripsItsRecordThroughTheSharedRegistry() {
        assertRoundTrips(serdes.requests(), "requests", ProtocolFixtures.startSaga());
        assertRoundTrips(serdes.commands(), "commands", ProtocolFixtures.stepCommand());
        assertRoundTrips(serdes.replies(), "replies", ProtocolFixtures.stepReply());
        assertRoundTrips(serdes.events(), "events", ProtocolFixtures.sagaEvent());
        assertRoundTrips(serdes.states(), "states", ProtocolFixtures.sagaState());
        assertThat(serdes.registry()).isSameAs(registry);
    }

    private <T extends SpecificRecord> void assertRoundTrips(SpecificAvroSerde<T> serde, String topic, T record) {
        byte[] bytes = serde.serializer().serialize(topic, record);

        assertThat(serde.deserializer().deserialize(topic, bytes)).as(topic).isEqualTo(record);
        assertThat(registry.versions(topic + "-value")).as("subjects registered for %s", topic).hasSize(1);
    }
}
