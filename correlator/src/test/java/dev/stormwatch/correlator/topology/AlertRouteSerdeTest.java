package dev.stormwatch.correlator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.correlator.domain.AlertRoute;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AlertRouteSerdeTest {

  private final AlertRouteSerde serde = new AlertRouteSerde();
  private final Instant start = Instant.parse("2025-03-01T10:00:00Z");

  @Test
  void roundTripsDomainEpisodeStartAndLastSeen() {
    AlertRoute route = new AlertRoute("component:adservice", start, start.plusSeconds(60));
    byte[] bytes = serde.serializer().serialize("t", route);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(route);
  }

  @Test
  void readsTheEarlierTwoLineFormAsLastSeenAtTheEpisodeStart() {
    byte[] legacy = (start + "\ncomponent:adservice").getBytes(StandardCharsets.UTF_8);
    assertThat(serde.deserializer().deserialize("t", legacy))
        .isEqualTo(new AlertRoute("component:adservice", start, start));
    byte[] legacyNewline = (start + "\nodd\ndomain").getBytes(StandardCharsets.UTF_8);
    assertThat(serde.deserializer().deserialize("t", legacyNewline).domain()).isEqualTo("odd\ndomain");
  }

  @Test
  void rejectsWhatIsNotARoute() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", "garbage".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class);
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }
}
