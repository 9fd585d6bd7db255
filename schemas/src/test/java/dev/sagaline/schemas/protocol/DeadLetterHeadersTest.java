package dev.sagaline.schemas.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

    @Test
    void writesTheReasonByNameTheDetailAndTheSourceAndReadsThemBack() {
        Headers headers = DeadLetterHeaders.write(new RecordHeaders(), DeadLetterReason.INVALID_INPUT,
                "reply for unknown saga 'o-9'", null, "sagaline.replies", 3, 42L);

        assertThat(text(headers, DeadLetterHeaders.REASON)).isEqualTo("INVALID_INPUT");
        assertThat(text(headers, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(text(headers, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("42");
        assertThat(headers.lastHeader(DeadLetterHeaders.EXCEPTION)).isNull();
        assertThat(DeadLetterHeaders.reason(headers)).contains(DeadLetterReason.INVALID_INPUT);
        assertThat(DeadLetterHeaders.detail(headers)).contains("reply for unknown saga 'o-9'");
        assertThat(DeadLetterHeaders.sourceTopic(headers)).contains("sagaline.replies");
    }

    @Test
    void keepsTheRecordsOwnHeadersAndReplacesAnEarlierReason() {
        Headers headers = new RecordHeaders().add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.write(headers, DeadLetterReason.NO_HANDLER, "first", null, "t", 0, 1L);

        DeadLetterHeaders.write(headers, DeadLetterReason.UNDECODABLE, "second", new SerializationException("bad"), "t", 0, 1L);

        assertThat(text(headers, "traceparent")).isEqualTo("00-abc");
        assertThat(headers.headers(DeadLetterHeaders.REASON)).hasSize(1);
        assertThat(DeadLetterHeaders.reason(headers)).contains(DeadLetterReason.UNDECODABLE);
        assertThat(text(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo(SerializationException.class.getName());
    }

    @Test
    void aReasonThisVersionDoesNotKnowReadsAsNone() {
        Headers headers = new RecordHeaders().add(DeadLetterHeaders.REASON, "FREE TEXT".getBytes(StandardCharsets.UTF_8));

        assertThat(DeadLetterHeaders.reason(headers)).isEmpty();
    }

    @Test
    void metricTagsAreTheLowerCaseNames() {
        assertThat(DeadLetterReason.UNDECODABLE.tag()).isEqualTo("undecodable");
        assertThat(DeadLetterReason.INVALID_INPUT.tag()).isEqualTo("invalid-input");
    }

    private static String text(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
