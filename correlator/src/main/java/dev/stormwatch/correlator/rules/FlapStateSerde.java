package dev.stormwatch.correlator.rules;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The serde of a per-alert {@link FlapState} store ({@link FlapState#encode()}); a null is a tombstone. */
public final class FlapStateSerde implements Serde<FlapState> {

  @Override
  public Serializer<FlapState> serializer() {
    return (topic, state) -> state == null ? null : state.encode();
  }

  @Override
  public Deserializer<FlapState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : FlapState.decode(bytes);
  }
}
