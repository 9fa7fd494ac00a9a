package dev.stormwatch.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.ChannelType;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotifierSettingsTest {

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void absentSectionIsTheDefaults() throws Exception {
    assertThat(NotifierSettings.fromTree(null)).isEqualTo(NotifierSettings.defaults());
    assertThat(NotifierSettings.fromTree(json("null"))).isEqualTo(NotifierSettings.defaults());
    assertThat(NotifierSettings.fromTree(json("{}"))).isEqualTo(NotifierSettings.defaults());
  }

  @Test
  void everyKeyOverridesItsDefault() throws Exception {
    NotifierSettings s = NotifierSettings.fromTree(json("""
        {"bundle-window": "0s", "bundle-channels": ["slack"], "max-bundled-incidents": 5,
         "retention": "2h", "stale-after": "PT48H", "punctuate-every": "250ms", "max-paged-per-incident": 9}
        """));
    assertThat(s).isEqualTo(new NotifierSettings(Duration.ZERO, Set.of(ChannelType.SLACK), 5, Duration.ofHours(2),
        Duration.ofHours(48), Duration.ofMillis(250), 9));
    assertThat(s.bundles(ChannelType.SLACK)).isFalse();
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"bundle-windw\": \"1m\"}")))
        .hasMessageStartingWith("unknown notifier setting: 'bundle-windw' (known: bundle-channels, bundle-window");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("[1]")))
        .hasMessage("notifier settings must be an object");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"retention\": 24}")))
        .hasMessage("retention needs a unit, e.g. \"24m\"");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"stale-after\": \"later\"}")))
        .hasMessageStartingWith("stale-after: not a duration");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"max-bundled-incidents\": \"lots\"}")))
        .hasMessage("max-bundled-incidents must be an integer, was \"lots\"");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"max-paged-per-incident\": 0}")))
        .hasMessage("max-paged-per-incident must be at least 1, was 0");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"punctuate-every\": \"0s\"}")))
        .hasMessage("punctuate-every must be positive, was PT0S");
    assertThatThrownBy(() -> NotifierSettings.fromTree(json("{\"bundle-channels\": [\"pigeon\"]}")))
        .hasMessage("bundle-channels: unknown channel 'pigeon'");
  }
}
