package dev.stormwatch.notifier.escalation;

import static dev.stormwatch.notifier.testing.Fixtures.T0;
import static dev.stormwatch.notifier.testing.Fixtures.opened;
import static dev.stormwatch.notifier.testing.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.bundle.BundleState;
import dev.stormwatch.notifier.bundle.BundleStateSerde;
import dev.stormwatch.notifier.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The state-store serdes keep every field. */
class StateSerdeTest {

  @Test
  void anEscalationStateRoundTrips() {
    EscalationEngine engine = new EscalationEngine(NotifierSettings.defaults());
    EscalationDecision d = engine.onEvent(Optional.empty(), opened("inc-1", T0), Fixtures.config(),
        Fixtures.topology(), T0);
    EscalationState s = engine.onDeadline(d.state().orElseThrow(), Fixtures.config(), t(5)).state().orElseThrow();
    EscalationStateSerde serde = new EscalationStateSerde();
    byte[] bytes = serde.serializer().serialize("t", s);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(s);
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", "{\"v\":9}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("unknown version");
  }

  @Test
  void aBundleStateRoundTripsWithItsHeldPages() {
    List<PageRequest> pages = new EscalationEngine(NotifierSettings.defaults()).onEvent(Optional.empty(),
        opened("inc-1", T0), Fixtures.config(), Fixtures.topology(), T0).pages();
    BundleState s = new BundleState("alice:inbox:alice", T0, t(1), pages, 2);
    BundleStateSerde serde = new BundleStateSerde();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", s))).isEqualTo(s);
  }
}
