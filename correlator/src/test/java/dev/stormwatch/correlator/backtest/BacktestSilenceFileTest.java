package dev.stormwatch.correlator.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.Weekday;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backtest's silences file: the query API's body format, in event time, as configuration. */
class BacktestSilenceFileTest {

  private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path f = dir.resolve("silences.json");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void anArrayOfSilencesInTheApiFormat() throws Exception {
    List<Silence> silences = SilenceFile.read(file("""
        [
          {"id": "db", "matchers": "{service=\\"billing\\", severity=~\\"warning|info\\"}",
           "startsAt": "2025-03-01T09:00:00Z", "endsAt": "2025-03-01T12:00:00Z", "author": "alice"},
          {"matchers": [{"name": "service", "value": "cartservice"}],
           "startsAt": 1740819600000, "duration": "90m"},
          {"matchers": "service=payments",
           "recurrence": {"days": "SAT,SUN", "startTime": "02:00", "duration": "2h", "timeZone": "Europe/Berlin"}}
        ]
        """), START);

    assertThat(silences).extracting(Silence::getId).containsExactly("db", "silence-2", "silence-3");
    assertThat(silences.get(0).getMatchers()).hasSize(2);
    assertThat(silences.get(0).getAuthor()).isEqualTo("alice");
    assertThat(silences.get(1).getStartsAt()).isEqualTo(Instant.parse("2025-03-01T09:00:00Z"));
    assertThat(silences.get(1).getEndsAt()).isEqualTo(Instant.parse("2025-03-01T10:30:00Z"));
    assertThat(silences.get(2).getStartsAt()).as("now is the start of the replay").isEqualTo(START);
    assertThat(silences.get(2).getEndsAt()).as("a maintenance window lasts a year by default")
        .isEqualTo(START.plus(java.time.Duration.ofDays(365)));
    assertThat(silences.get(2).getRecurrence().getDays()).containsExactly(Weekday.SATURDAY, Weekday.SUNDAY);
    assertThat(silences.get(2).getRecurrence().getStartTime()).isEqualTo(LocalTime.of(2, 0));
    assertThat(silences).allSatisfy(s -> assertThat(s.getCreatedAt()).isEqualTo(START));
  }

  @Test
  void jsonLinesAndAnEmptyArrayToo() throws Exception {
    assertThat(SilenceFile.read(file("""
        {"matchers": "service=a", "startsAt": "2025-03-01T09:00:00Z", "endsAt": "2025-03-01T12:00:00Z"}

        {"matchers": "service=b", "startsAt": "2025-03-01T09:00:00Z", "duration": "1h"}
        """), START)).extracting(Silence::getId).containsExactly("silence-1", "silence-2");
    assertThat(SilenceFile.read(file("[]"), START)).isEmpty();
    assertThat(SilenceFile.read(file(""), START)).isEmpty();
  }

  @Test
  void aDurationWithoutStartsAtNamesTheLine() throws Exception {
    Path f = file("""
        {"matchers": "service=a", "startsAt": "2025-03-01T09:00:00Z", "duration": "1h"}
        {"matchers": "service=b", "duration": "1h"}
        """);
    assertThatThrownBy(() -> SilenceFile.read(f, START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("silences file " + f + ", line 2: a silence with a duration needs a startsAt in a backtest (the "
            + "replay runs in event time: there is no 'now' to start from), or give endsAt");
  }

  @Test
  void invalidEntriesAreOneLineErrorsNamingTheEntry() throws Exception {
    Path unknown = file("[\n{\"matchers\": \"service=a\", \"ends\": \"2025-03-01T12:00:00Z\"}\n]");
    assertThatThrownBy(() -> SilenceFile.read(unknown, START))
        .hasMessageStartingWith("silences file " + unknown + ", entry 1 (line 2): unknown field 'ends'");

    Path badMatcher = file("[{\"matchers\": \"service=~\\\"(cart\\\"\", \"endsAt\": \"2025-03-01T12:00:00Z\"}]");
    assertThatThrownBy(() -> SilenceFile.read(badMatcher, START))
        .hasMessageStartingWith("silences file " + badMatcher + ", entry 1 (line 1): invalid regular expression");

    Path matchesEverything = file("[{\"matchers\": \"team=\\\"\\\"\", \"endsAt\": \"2025-03-01T12:00:00Z\"}]");
    assertThatThrownBy(() -> SilenceFile.read(matchesEverything, START))
        .hasMessageStartingWith("silences file " + matchesEverything + ", entry 1 (line 1): ");

    Path zone = file("{\"matchers\": \"service=a\", \"recurrence\": {\"days\": [\"MON\"], \"startTime\": \"02:00\", "
        + "\"duration\": \"1h\", \"timeZone\": \"Europe/Berln\"}}");
    assertThatThrownBy(() -> SilenceFile.read(zone, START))
        .hasMessageStartingWith("silences file " + zone + ", line 1: ")
        .hasMessageContaining("Europe/Berln");

    Path notObject = file("[\"service=a\"]");
    assertThatThrownBy(() -> SilenceFile.read(notObject, START))
        .hasMessageStartingWith("silences file " + notObject + ", entry 1 (line 1): expected a silence object");
  }

  @Test
  void twoSilencesWithOneIdAreAnError() throws Exception {
    Path f = file("""
        {"id": "x", "matchers": "service=a", "endsAt": "2025-03-01T12:00:00Z"}
        {"id": "x", "matchers": "service=b", "endsAt": "2025-03-01T12:00:00Z"}
        """);
    assertThatThrownBy(() -> SilenceFile.read(f, START))
        .hasMessage("silences file " + f + ", line 2: id 'x' is already the id of line 1");
  }

  @Test
  void notJsonNamesTheLineAndAMissingFileIsOneLine() throws Exception {
    Path f = file("""
        {"matchers": "service=a", "endsAt": "2025-03-01T12:00:00Z"}
        {"matchers": oops}
        """);
    assertThatThrownBy(() -> SilenceFile.read(f, START))
        .hasMessageStartingWith("silences file " + f + ", line 2: not JSON: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> SilenceFile.read(dir.resolve("none.json"), START))
        .hasMessage("silences file not found: " + dir.resolve("none.json"));
  }
}
