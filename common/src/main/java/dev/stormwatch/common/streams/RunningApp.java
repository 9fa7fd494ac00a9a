package dev.stormwatch.common.streams;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What a started Stormwatch Streams app offers its caller (the CLI, tests): readiness, state, the
 * Kafka Streams instance for interactive queries, and close. The apps' own classes extend it and
 * add only their {@code start} factory.
 */
public abstract class RunningApp implements AutoCloseable {

  private final StreamsApp streams;

  protected RunningApp(StreamsApp streams) {
    this.streams = streams;
  }

  /** Waits until Kafka Streams is RUNNING; false if not within {@code timeout}. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return streams.awaitRunning(timeout);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The Kafka Streams instance (for interactive queries). */
  public KafkaStreams streams() {
    return streams.streams();
  }

  @Override
  public void close() {
    streams.close();
  }
}
