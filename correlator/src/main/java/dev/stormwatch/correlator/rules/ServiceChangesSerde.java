package dev.stormwatch.correlator.rules;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The serde of a store of recent changes keyed by service ({@link ServiceChanges#encode()}); null is a tombstone. */
public final class ServiceChangesSerde implements Serde<ServiceChanges> {

  @Override
  public Serializer<ServiceChanges> serializer() {
    return (topic, changes) -> changes == null ? null : changes.encode();
  }

  @Override
  public Deserializer<ServiceChanges> deserializer() {
    return (topic, bytes) -> bytes == null ? null : ServiceChanges.decode(bytes);
  }
}
