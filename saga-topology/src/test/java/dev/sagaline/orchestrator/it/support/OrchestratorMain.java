package dev.sagaline.orchestrator.it.support;

import dev.sagaline.orchestrator.definition.SagaDefinitionLoader;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The orchestrator as a process of its own, for {@link ChildOrchestrator}: runs
 * {@link SagalineApp} on a properties file and a definitions directory, prints
 * {@value #RUNNING_LINE} once it processes, closes it cleanly when a line {@value #STOP_COMMAND}
 * (or end of input) arrives on stdin, and exits with status 1 as soon as Kafka Streams stops on its
 * own, so a stream thread that died is visible to the test as a dead process.
 */
public final class OrchestratorMain {

    static final String STOP_COMMAND = "stop";
    static final String RUNNING_LINE = "ORCHESTRATOR RUNNING";

    private OrchestratorMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(in);
        }
        SagalineApp app = SagalineApp.start(SagalineConfig.of(props), SagaDefinitionLoader.fromDirectory(Path.of(args[1])));
        CountDownLatch stopRequested = new CountDownLatch(1);
        Thread stdinReader = new Thread(() -> {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                String line;
                do {
                    line = stdin.readLine();
                } while (line != null && !line.trim().equals(STOP_COMMAND));
            } catch (IOException e) {
                // A broken pipe means the test JVM is gone: stop as if asked.
            }
            stopRequested.countDown();
        }, "orchestrator-stdin");
        stdinReader.setDaemon(true);
        stdinReader.start();
        boolean announced = false;
        while (!stopRequested.await(50, TimeUnit.MILLISECONDS)) {
            KafkaStreams.State state = app.streams().state();
            if (!state.isRunningOrRebalancing()) {
                System.out.println("ORCHESTRATOR STOPPED ON ITS OWN: " + state);
                System.out.flush();
                Runtime.getRuntime().halt(1);
            }
            if (!announced && state == KafkaStreams.State.RUNNING) {
                System.out.println(RUNNING_LINE);
                System.out.flush();
                announced = true;
            }
        }
        app.close();
        System.exit(0);
    }
}
