package dev.stormwatch.devstack.registry.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A log in memory, shared by any number of replicas: every append is applied to all of them in
 * order, like the Kafka topic. {@code beforeAppend} lets a test slip a competing write in first.
 */
final class InMemoryRegistryLog {

    private final List<LogEntry> entries = new ArrayList<>();
    private final List<RegistryState> replicas = new ArrayList<>();
    private Consumer<List<LogEntry>> beforeAppend = e -> { };

    synchronized RegistryState newReplica() {
        RegistryState state = new RegistryState();
        entries.forEach(state::apply);
        replicas.add(state);
        return state;
    }

    /** A registry instance on a new replica of this log. */
    SchemaRegistry newInstance() {
        RegistryState state = newReplica();
        return new SchemaRegistry(state, this::append);
    }

    synchronized void beforeNextAppend(Consumer<List<LogEntry>> action) {
        Consumer<List<LogEntry>> once = new Consumer<>() {
            private boolean done;

            @Override
            public void accept(List<LogEntry> e) {
                if (!done) {
                    done = true;
                    action.accept(e);
                }
            }
        };
        beforeAppend = once;
    }

    synchronized void append(List<LogEntry> batch) {
        beforeAppend.accept(batch);
        for (LogEntry entry : batch) {
            entries.add(entry);
            replicas.forEach(r -> r.apply(entry));
        }
    }

    synchronized List<LogEntry> entries() {
        return List.copyOf(entries);
    }
}
