package dev.sagaline.localkafka.internals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    @Test
    void returnsTheLastLinesOldestFirst(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.log");
        Files.writeString(file, "one\ntwo\nthree\n");

        assertThat(LogTail.lastLines(file, 2)).containsExactly("two", "three");
    }

    @Test
    void dropsThePartialLineWhereALargeFileIsCut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.log");
        Files.writeString(file, IntStream.range(0, 20_000).mapToObj(i -> "line-" + i).collect(Collectors.joining("\n")));

        assertThat(LogTail.lastLines(file, 100_000))
                .endsWith("line-19999")
                .allMatch(line -> line.startsWith("line-"))
                .hasSizeLessThan(20_000);
    }

    @Test
    void isEmptyBeforeTheBrokerWritesAnything(@TempDir Path dir) {
        assertThat(LogTail.lastLines(dir.resolve("missing.log"), 50)).isEmpty();
    }
}
