package dev.sagaline.participant;

/** The store the orchestrator's harness and {@link CommandDispatcher#inMemory} use. */
class InMemoryProcessedCommandStoreTest extends ProcessedCommandStoreContract {

    @Override
    protected ProcessedCommandStore newStore() {
        return ProcessedCommandStore.inMemory();
    }
}
