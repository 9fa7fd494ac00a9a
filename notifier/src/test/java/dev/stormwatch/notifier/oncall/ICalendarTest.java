package dev.stormwatch.notifier.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Issue 6, item 1: the iCalendar export of a schedule (RFC 5545). */
class ICalendarTest {

  private static final String YAML = """
      people:
        - {id: alice, name: "Alice Ämmälä, SRE; on call", contacts: [{inbox: alice}]}
        - {id: bob, name: Bob, contacts: [{inbox: bob}]}
      schedules:
        - id: primary
          name: Primary
          time-zone: Europe/Berlin
          layers:
            - {start: 2025-03-17, handoff: "09:00", rotation: weekly, participants: [alice, bob]}
      """;
  private static final Instant NOW = Instant.parse("2025-03-20T12:00:00Z");

  private final OnCallConfig config = OnCallYaml.parse(YAML);

  private String export(String from, String to) {
    return OnCall.icalendar(config, "primary", Instant.parse(from), Instant.parse(to), NOW).orElseThrow();
  }

  @Test
  void everyShiftIsAnEventInUtcWithCrlfLines() {
    String ics = export("2025-03-20T00:00:00Z", "2025-04-08T00:00:00Z");
    assertThat(ics).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Stormwatch//On-call schedules//EN\r\n");
    assertThat(ics).endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n");
    assertThat(ics.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    List<String> lines = unfolded(ics);
    assertThat(lines.stream().filter(l -> l.startsWith("DTSTART:"))).containsExactly(
        "DTSTART:20250317T080000Z", "DTSTART:20250324T080000Z", "DTSTART:20250331T070000Z", // CEST from 30 March
        "DTSTART:20250407T070000Z");
    assertThat(lines.stream().filter(l -> l.startsWith("DTEND:"))).containsExactly(
        "DTEND:20250324T080000Z", "DTEND:20250331T070000Z", "DTEND:20250407T070000Z", "DTEND:20250414T070000Z");
    assertThat(lines).contains("DTSTAMP:20250320T120000Z", "X-WR-TIMEZONE:Europe/Berlin");
    assertThat(lines.stream().filter(l -> l.equals("BEGIN:VEVENT"))).hasSize(4);
  }

  @Test
  void textIsEscapedAndLongLinesAreFoldedAt75OctetsWithoutSplittingACharacter() {
    String ics = export("2025-03-20T00:00:00Z", "2025-03-21T00:00:00Z");
    for (String physical : ics.split("\r\n")) {
      assertThat(physical.getBytes(StandardCharsets.UTF_8).length).as(physical).isLessThanOrEqualTo(75);
    }
    List<String> lines = unfolded(ics);
    assertThat(lines).contains("SUMMARY:On call: Alice Ämmälä\\, SRE\\; on call (Primary)");
    assertThat(lines.stream().filter(l -> l.startsWith("DESCRIPTION:")).findFirst().orElseThrow())
        .isEqualTo("DESCRIPTION:Alice Ämmälä\\, SRE\\; on call (alice) is on call for schedule Primary (primary)."
            + "\\nTimes follow the schedule's time zone\\, Europe/Berlin.");
    assertThat(ics).contains("\r\n "); // the description was folded
  }

  @Property(tries = 300, seed = "20250630")
  void foldingKeepsEveryOctetAndNeverSplitsAUtf8Sequence(@ForAll @StringLength(max = 400) String value) {
    StringBuilder out = new StringBuilder();
    ICalendar.line(out, "SUMMARY:" + ICalendar.text(value));
    String folded = out.toString();
    for (String physical : folded.split("\r\n")) {
      byte[] bytes = physical.getBytes(StandardCharsets.UTF_8);
      assertThat(bytes.length).isLessThanOrEqualTo(75);
      assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(physical); // no broken sequence
    }
    assertThat(folded.replace("\r\n ", "")).isEqualTo("SUMMARY:" + ICalendar.text(value) + "\r\n");
  }

  @Test
  void aShiftKeepsItsUidWhateverRangeIsExported() {
    List<String> wide = uids(export("2025-03-10T00:00:00Z", "2025-04-08T00:00:00Z"));
    List<String> narrow = uids(export("2025-03-26T00:00:00Z", "2025-03-27T00:00:00Z"));
    assertThat(narrow).hasSize(1);
    assertThat(wide).contains(narrow.get(0));
    assertThat(wide).doesNotHaveDuplicates();
    assertThat(narrow.get(0)).matches("[0-9a-f]{32}@stormwatch");
  }

  @Test
  void aRangeMustBeForwardAndBounded() {
    assertThatThrownBy(() -> export("2025-03-20T00:00:00Z", "2025-03-20T00:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must end after it starts");
    assertThatThrownBy(() -> export("2025-01-01T00:00:00Z", "2026-03-01T00:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 366 days");
    assertThat(OnCall.icalendar(config, "nope", NOW, NOW.plusSeconds(60), NOW)).isEmpty();
  }

  private static List<String> uids(String ics) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("UID:(\\S+)").matcher(String.join("\n", unfolded(ics)));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** RFC 5545 unfolding: a CRLF followed by a space joins two physical lines. */
  private static List<String> unfolded(String ics) {
    return Arrays.asList(ics.replace("\r\n ", "").split("\r\n"));
  }
}
