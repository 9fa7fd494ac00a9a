package dev.stormwatch.correlator.topology;

import dev.stormwatch.correlator.domain.AlertRoute;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AlertRoute} in the {@code correlator-alert-routes} store: UTF-8
 * {@code <episode start ISO>\n<last seen ISO>\n<domain>}. The earlier form
 * {@code <episode start ISO>\n<domain>} is still read (last seen = episode start).
 */
public final class AlertRouteSerde implements Serde<AlertRoute> {

  @Override
  public Serializer<AlertRoute> serializer() {
    return (topic, route) -> route == null ? null
        : (route.episodeStart() + "\n" + route.lastSeenAt() + "\n" + route.domain()).getBytes(StandardCharsets.UTF_8);
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
      Instant start = Instant.parse(text.substring(0, nl));
      int nl2 = text.indexOf('\n', nl + 1);
      if (nl2 > 0) {
        try {
          return new AlertRoute(text.substring(nl2 + 1), start, Instant.parse(text.substring(nl + 1, nl2)));
        } catch (DateTimeParseException e) {
          // the earlier two-line form whose domain contains a newline
        }
      }
      return new AlertRoute(text.substring(nl + 1), start);
    };
  }
}
