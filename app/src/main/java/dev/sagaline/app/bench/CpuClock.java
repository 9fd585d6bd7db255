package dev.sagaline.app.bench;

import java.time.Duration;

/**
 * The processor time used so far by this JVM and the processes it started (the embedded broker, a
 * second orchestrator JVM): what a burst costs in CPU beside what it takes in wall time. On a
 * machine with two cores shared by the broker, both applications and the load, a shape that needs
 * three times the CPU per saga cannot reach more than a third of the rate of another once the
 * cores are busy, whatever its waits; the benchmark reports the CPU per saga so a ratio can be read
 * against it. A process whose CPU time the system does not tell counts nothing.
 */
final class CpuClock {

    private CpuClock() {
    }

    /**
     * Processor time used so far.
     *
     * @param jvm this JVM's: the load, the applications, the readers, the JIT compiler
     * @param children the processes it started: the embedded broker, a second orchestrator JVM
     */
    record Used(Duration jvm, Duration children) {

        Duration total() {
            return jvm.plus(children);
        }
    }

    /** Processor time of this process and of its descendants so far. */
    static Used now() {
        ProcessHandle self = ProcessHandle.current();
        Duration children = Duration.ZERO;
        for (ProcessHandle child : (Iterable<ProcessHandle>) self.descendants()::iterator) {
            children = children.plus(cpu(child));
        }
        return new Used(cpu(self), children);
    }

    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
