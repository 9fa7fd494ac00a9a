package dev.stormwatch.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsTreeTest {

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void absentKeysKeepTheirDefaults() throws Exception {
    JsonNode tree = json("{\"n\": null}");
    assertThat(SettingsTree.integer(tree, "n", 7)).isEqualTo(7);
    assertThat(SettingsTree.number(tree, "x", 0.5)).isEqualTo(0.5);
    assertThat(SettingsTree.duration(tree, "d", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(SettingsTree.absent(null)).isTrue();
    assertThat(SettingsTree.absent(MissingNode.getInstance())).isTrue();
    assertThat(SettingsTree.absent(json("null"))).isTrue();
    assertThat(SettingsTree.absent(tree)).isFalse();
  }

  @Test
  void readsTypedValues() throws Exception {
    JsonNode tree = json("{\"n\": 12, \"x\": 0.25, \"d\": \"90s\", \"iso\": \"PT5M\"}");
    SettingsTree.requireKnown(tree, List.of("n", "x", "d", "iso"), "test");
    assertThat(SettingsTree.integer(tree, "n", 0)).isEqualTo(12);
    assertThat(SettingsTree.number(tree, "x", 0)).isEqualTo(0.25);
    assertThat(SettingsTree.duration(tree, "d", null)).isEqualTo(Duration.ofSeconds(90));
    assertThat(SettingsTree.duration(tree, "iso", null)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void mistakesAreOneLineNamingTheKey() throws Exception {
    assertThatThrownBy(() -> SettingsTree.requireKnown(json("{\"b\": 1, \"zz\": 2}"), List.of("b", "a"), "demo"))
        .hasMessage("unknown demo setting: 'zz' (known: a, b)");
    assertThatThrownBy(() -> SettingsTree.requireKnown(json("[1]"), List.of("a"), "demo"))
        .hasMessage("demo settings must be an object");
    assertThatThrownBy(() -> SettingsTree.integer(json("{\"n\": \"two\"}"), "n", 0))
        .hasMessage("n must be an integer, was \"two\"");
    assertThatThrownBy(() -> SettingsTree.integer(json("{\"n\": 10000000000}"), "n", 0))
        .hasMessage("n must be an integer, was 10000000000");
    assertThatThrownBy(() -> SettingsTree.number(json("{\"x\": \"half\"}"), "x", 0))
        .hasMessage("x must be a number, was \"half\"");
    assertThatThrownBy(() -> SettingsTree.duration(json("{\"d\": 30}"), "d", null))
        .hasMessage("d needs a unit, e.g. \"30m\"");
    assertThatThrownBy(() -> SettingsTree.duration(json("{\"d\": [1]}"), "d", null))
        .hasMessage("d must be a duration such as 30s or 5m, was [1]");
    assertThatThrownBy(() -> SettingsTree.duration(json("{\"d\": \"soon\"}"), "d", null))
        .hasMessageStartingWith("d: not a duration");
  }

  @Test
  void bounds() {
    SettingsTree.positive(Duration.ofMillis(1), "p");
    SettingsTree.notNegative(Duration.ZERO, "z");
    SettingsTree.atLeast(1, 1, "a");
    SettingsTree.between(64, 0, 64, "b");
    assertThatThrownBy(() -> SettingsTree.positive(Duration.ZERO, "p")).hasMessage("p must be positive, was PT0S");
    assertThatThrownBy(() -> SettingsTree.positive(null, "p")).isInstanceOf(NullPointerException.class)
        .hasMessage("p");
    assertThatThrownBy(() -> SettingsTree.notNegative(Duration.ofSeconds(-1), "z"))
        .hasMessage("z must not be negative, was PT-1S");
    assertThatThrownBy(() -> SettingsTree.atLeast(0, 1, "a")).hasMessage("a must be at least 1, was 0");
    assertThatThrownBy(() -> SettingsTree.between(65, 0, 64, "b")).hasMessage("b must be between 0 and 64, was 65");
  }
}
