package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Pins the topology's names: the stores' changelog topics derive from them, so a change here
 * would start deployed participants with no memory of the commands they answered.
 */
class TopologyShapeTest {

    @Test
    void matchesTheCheckedInDescription() throws IOException {
        try (ParticipantDriver participant = ParticipantDriver.start(new RecordingHandlers().handlers());
                InputStream golden = TopologyShapeTest.class.getResourceAsStream("/participant-topology.txt")) {
            String expected = new String(golden.readAllBytes(), StandardCharsets.UTF_8);

            assertThat(participant.participant().buildTopology().describe().toString().strip()).isEqualTo(expected.strip());
        }
    }

    @Test
    void runsExactlyOnceWithTheDeadLetterHandlerByDefault() {
        try (ParticipantDriver participant = ParticipantDriver.start(new RecordingHandlers().handlers())) {
            Properties properties = participant.participant().streamsProperties();

            assertThat(properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
            assertThat(properties.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("inventory.dlq");
            assertThat(properties.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG)).isNotNull();
            assertThat(properties).doesNotContainKey(ParticipantConfig.COMMAND_TOPIC_CONFIG);
        }
    }

    @Test
    void letsAPropertyOverrideADefault() {
        try (ParticipantDriver participant = ParticipantDriver.start(new RecordingHandlers().handlers(),
                builder -> builder.property(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)
                        .property("num.stream.threads", 3))) {
            Properties properties = participant.participant().streamsProperties();

            assertThat(properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
            assertThat(properties.get("num.stream.threads")).isEqualTo(3);
        }
    }
}
