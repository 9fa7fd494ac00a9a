package dev.stormwatch.correlator.topology;

import dev.stormwatch.correlator.domain.AlertRoute;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link AlertRoute} in the {@code correlator-alert-routes} store: UTF-8 {@code <episode start ISO>\n<domain>}. */
public final class AlertRouteSerde implements Serde<AlertRoute> {

  @Override
  public Serializer<AlertRoute> serializer() {
    return (topic, route) -> route == null ? null
        : (route.episodeStart() + "\n" + route.domain()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Deserializer<AlertRoute> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      if (nl < 0) {
        throw new SerializationException("not an alert route: " + text);
      }
      return new AlertRoute(text.substring(nl + 1), Instant.parse(text.substring(0, nl)));
    };
  }
}
