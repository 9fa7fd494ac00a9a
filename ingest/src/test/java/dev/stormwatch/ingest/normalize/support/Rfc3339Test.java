package dev.stormwatch.ingest.normalize.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

  @ParameterizedTest
  @CsvSource({
      "2026-11-27T15:12:06Z, 2026-11-27T15:12:06Z",
      "2026-11-27T15:07:54.889Z, 2026-11-27T15:07:54.889Z",
      "2026-11-27T15:11:54.726428371Z, 2026-11-27T15:11:54.726428371Z",
      "2026-11-27t16:11:54.7+01:00, 2026-11-27T15:11:54.700Z",
      "2019-08-19T20:58:37.391000Z, 2019-08-19T20:58:37.391Z",
      "0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z"})
  void parsesGoAndSentryTimestamps(String text, String expected) {
    assertThat(Rfc3339.parse("f", text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-27T15:12:06", "2026-11-27 15:12:06Z", "2026-11-27T15:12:06.1234567890Z",
      "2025-07-14T11:41:32+053096Z", "+12026-11-27T15:12:06Z", "2026-11-27T15:12:06+0100", "1764255600"})
  void rejectsEverythingElse(String text) {
    assertThatThrownBy(() -> Rfc3339.parse("x.startsAt", text)).isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("x.startsAt: not an RFC 3339 timestamp");
  }

  @ParameterizedTest
  @CsvSource({"1525248430, 2018-05-02T08:07:10Z", "1566248317.391, 2019-08-19T20:58:37.391Z"})
  void epochSeconds(double seconds, String expected) {
    assertThat(Rfc3339.ofEpochSeconds("f", seconds)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, 1e300, -1e300})
  void epochSecondsOutOfRangeAreRejected(double seconds) {
    assertThatThrownBy(() -> Rfc3339.ofEpochSeconds("f", seconds)).isInstanceOf(PayloadException.class);
  }

  @ParameterizedTest
  @CsvSource({
      "2015-07-17T08:42:58.315+0000, 2015-07-17T08:42:58.315Z",
      "2020-10-09T18:53:40-04:00, 2020-10-09T22:53:40Z",
      "2020-10-09T18:53:40.635779-04:00, 2020-10-09T22:53:40.635779Z",
      "2026-11-27 15:12:06Z, 2026-11-27T15:12:06Z",
      "2026-11-27T15:12:06, 2026-11-27T15:12:06Z",
      "2026-11-27T15:12+01, 2026-11-27T14:12:00Z",
      "'2026-11-27T15:12:06,5+0130', 2026-11-27T13:42:06.500Z"})
  void leniencyTakesPagerDutysAndOtherIsoForms(String text, String expected) {
    assertThat(Rfc3339.parseLenient("f", text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2026-11-27", "1764255600", "2026-13-27T15:12:06Z", "2026-11-27T15:12:06+25:00",
      "+12026-11-27T15:12:06Z", "2026-11-27T15:12:06.1234567890Z"})
  void leniencyStillRejectsWhatIsNoTime(String text) {
    assertThatThrownBy(() -> Rfc3339.parseLenient("payload.timestamp", text)).isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("payload.timestamp: not");
  }
}
