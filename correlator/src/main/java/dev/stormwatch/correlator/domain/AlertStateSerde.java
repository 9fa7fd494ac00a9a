package dev.stormwatch.correlator.domain;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of the {@code correlator-alerts} store: every field of an {@link AlertState}, merge
 * state included, in {@link AlertStateCodec}'s versioned layout; a null is a tombstone.
 */
public final class AlertStateSerde implements Serde<AlertState> {

  @Override
  public Serializer<AlertState> serializer() {
    return (topic, state) -> state == null ? null : AlertStateCodec.encode(state);
  }

  @Override
  public Deserializer<AlertState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : AlertStateCodec.decode(bytes);
  }
}
