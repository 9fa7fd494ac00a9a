package dev.stormwatch.testkit;

import java.util.concurrent.atomic.AtomicLong;

import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaException;

/**
 * The services shared by every test of one JVM: the embedded broker, started lazily on first use,
 * and the sequence behind {@link KafkaTestEnv#uniqueName(String)}.
 *
 * <p>Held in the root {@link org.junit.jupiter.api.extension.ExtensionContext} store by
 * {@link KafkaExtension}; JUnit closes it at the end of the run.
 *
 * <p><b>Extension seam.</b> More shared servers (the embedded Schema Registry) are added the
 * same way as the broker: a lazily started, memoized field behind a {@code synchronized} accessor
 * (which may call {@link #kafka()} if the server needs the broker), a matching accessor on
 * {@link KafkaTestEnv} (e.g. {@code registryUrl()}), and a step in {@link #close()} that stops it
 * before the broker.
 */
final class SharedTestServices implements AutoCloseable {

    private final AtomicLong nameSequence = new AtomicLong();

    // guarded by this
    private EmbeddedKafka kafka;
    private RuntimeException kafkaStartFailure;
    private boolean closed;

    /**
     * The shared broker, started on the first call.
     *
     * @throws EmbeddedKafkaException if it cannot start (now or on an earlier call)
     */
    synchronized EmbeddedKafka kafka() {
        if (closed) {
            throw new IllegalStateException("The shared test services are already closed");
        }
        if (kafkaStartFailure != null) {
            throw new EmbeddedKafkaException("The shared test broker failed to start earlier in this JVM",
                    kafkaStartFailure);
        }
        if (kafka == null) {
            try {
                kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
            } catch (RuntimeException e) {
                kafkaStartFailure = e;
                throw e;
            }
        }
        return kafka;
    }

    /** The next value of the JVM-wide sequence that keeps generated names unique on the shared broker. */
    long nextNameSequence() {
        return nameSequence.incrementAndGet();
    }

    /** Stops every started server, the broker last. */
    @Override
    public synchronized void close() {
        closed = true;
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
