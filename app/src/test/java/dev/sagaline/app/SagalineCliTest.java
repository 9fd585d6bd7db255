package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The command line without a broker: its help, and {@code run} refusing a bad configuration or bad
 * definitions with exit code 2 and one line naming the key or the file, before it starts the
 * embedded broker.
 */
class SagalineCliTest {

    private static final String VALID_DEFINITION = """
            saga: greeting
            steps:
              - name: greet
                topic: greetings.commands
                kind: compensatable
            """;

    @TempDir
    Path dir;

    private Path definitions;
    private final CliRun cli = new CliRun();

    @BeforeEach
    void writeValidDefinitions() throws IOException {
        definitions = Files.createDirectories(dir.resolve("definitions"));
        Files.writeString(definitions.resolve("greeting.yaml"), VALID_DEFINITION);
    }

    @Test
    void listsTheRunDemoAndBenchCommandsInItsHelp() {
        int exit = cli.execute("--help");

        assertThat(exit).isZero();
        assertThat(cli.out()).containsPattern("(?m)^\\s+run\\s").containsPattern("(?m)^\\s+demo\\s").containsPattern("(?m)^\\s+bench\\s");
    }

    @Test
    void everyOptionsHelpTextIsAValidFormatString() {
        List<String> unformattable = new ArrayList<>();
        collectUnformattableDescriptions(SagalineCli.commandLine(), unformattable);

        // picocli formats each description; a lone '%' makes it print a warning instead of the text
        assertThat(unformattable).isEmpty();
    }

    private static void collectUnformattableDescriptions(CommandLine command, List<String> unformattable) {
        for (OptionSpec option : command.getCommandSpec().options()) {
            // the annotation's text, as written: the spec's description() has already been formatted
            if (option.userObject() instanceof AnnotatedElement element && element.getAnnotation(Option.class) != null) {
                for (String line : element.getAnnotation(Option.class).description()) {
                    if (line.replace("%%", "").replace("%n", "").contains("%")) {
                        unformattable.add(command.getCommandName() + " " + option.longestName() + ": " + line);
                    }
                }
            }
        }
        command.getSubcommands().values().forEach(sub -> collectUnformattableDescriptions(sub, unformattable));
    }

    @Test
    void refusesASecureDemoOnAnotherClusterBeforeStartingABroker() {
        int exit = cli.execute("demo", "--secure", "--bootstrap-servers", "127.0.0.1:1");

        assertRefusedNaming("--secure", exit);
    }

    @Test
    void refusesANegativeStepTimeoutBeforeStartingABroker() {
        int exit = cli.execute("run", "-d", definitions.toString(), "-D", "sagaline.step.timeout.ms=-5");

        assertRefusedNaming("sagaline.step.timeout.ms", exit);
    }

    @Test
    void refusesAnUnknownSagalineSettingBeforeStartingABroker() {
        int exit = cli.execute("run", "-d", definitions.toString(), "-D", "sagaline.step.timout.ms=500");

        assertRefusedNaming("'sagaline.step.timout.ms'", exit);
    }

    @Test
    void refusesAnOutOfRangeSettingFromTheConfigFile() throws IOException {
        Path config = Files.writeString(dir.resolve("sagaline.properties"), "sagaline.retry.jitter = 1.5\n");

        int exit = cli.execute("run", "-c", config.toString(), "-d", definitions.toString());

        assertRefusedNaming("sagaline.retry.jitter", exit);
    }

    @Test
    void refusesAnInvalidKafkaStreamsSettingBeforeStartingABroker() {
        int exit = cli.execute("run", "-d", definitions.toString(), "-D", "processing.guarantee=twice");

        assertRefusedNaming("processing.guarantee", exit);
    }

    @Test
    void refusesAMissingConfigFile() {
        int exit = cli.execute("run", "-c", dir.resolve("absent.properties").toString(), "-d", definitions.toString());

        assertRefusedNaming("absent.properties", exit);
    }

    @Test
    void refusesAMissingDefinitionsDirectory() {
        int exit = cli.execute("run", "-d", dir.resolve("no-such-dir").toString());

        assertRefusedNaming("no-such-dir", exit);
    }

    @Test
    void refusesADefinitionsDirectoryWithAnInvalidFileNamingTheFile() throws IOException {
        Files.writeString(definitions.resolve("broken.yaml"), """
                saga: broken
                steps:
                  - name: reserve
                    topic: stock.commands
                    kind: sometimes
                """);

        int exit = cli.execute("run", "-d", definitions.toString());

        assertRefusedNaming("broken.yaml", exit);
        assertThat(cli.errLines().get(0)).contains("sometimes");
    }

    private void assertRefusedNaming(String culprit, int exit) {
        assertThat(exit).as("exit code").isEqualTo(2);
        assertThat(cli.errLines()).as("stderr").singleElement().asString().startsWith("sagaline: ").contains(culprit);
        assertThat(cli.embeddedBrokerStarts()).as("embedded brokers started").isZero();
    }
}
