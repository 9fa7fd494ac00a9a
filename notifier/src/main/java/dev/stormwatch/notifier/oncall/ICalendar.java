package dev.stormwatch.notifier.oncall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * A schedule's shifts as an iCalendar document (RFC 5545): one VEVENT per final shift, times in UTC
 * ({@code DTSTART:20250106T080000Z}), lines ended by CRLF and folded at 75 octets (never inside a
 * UTF-8 sequence), TEXT values escaped. Each event's UID is derived from the schedule, the person
 * and the shift's true start ({@link ScheduleTimeline#wholeShifts}), so it is the same in every
 * export that contains the shift and calendar clients update rather than duplicate it. Pure: the
 * DTSTAMP is passed in.
 */
public final class ICalendar {

  /** Longest line, in octets, without its CRLF. */
  static final int MAX_OCTETS = 75;
  private static final String CRLF = "\r\n";
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private ICalendar() {}

  /**
   * The shifts of {@code schedule} that intersect {@code [from, to)}, whole.
   *
   * @param config for the people's display names
   * @param now    DTSTAMP of every event
   */
  public static String export(Schedule schedule, OnCallConfig config, Instant from, Instant to, Instant now) {
    StringBuilder out = new StringBuilder();
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//Stormwatch//On-call schedules//EN");
    line(out, "CALSCALE:GREGORIAN");
    line(out, "METHOD:PUBLISH");
    line(out, "X-WR-CALNAME:" + text("On call: " + schedule.name()));
    line(out, "X-WR-TIMEZONE:" + text(schedule.zone().getId()));
    List<Shift> shifts = ScheduleTimeline.wholeShifts(schedule, from, to);
    for (Shift s : shifts) {
      String name = config.person(s.person()).map(Person::name).orElse(s.person());
      line(out, "BEGIN:VEVENT");
      line(out, "UID:" + uid(schedule.id(), s));
      line(out, "DTSTAMP:" + UTC.format(now));
      line(out, "DTSTART:" + UTC.format(s.start()));
      line(out, "DTEND:" + UTC.format(s.end()));
      line(out, "SUMMARY:" + text("On call: " + name + " (" + schedule.name() + ")"));
      line(out, "DESCRIPTION:" + text(name + " (" + s.person() + ") is on call for schedule " + schedule.name()
          + " (" + schedule.id() + ").\nTimes follow the schedule's time zone, " + schedule.zone().getId() + "."));
      line(out, "TRANSP:TRANSPARENT");
      line(out, "END:VEVENT");
    }
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  /** A stable id for a shift: a hash of schedule, person and start. */
  static String uid(String schedule, Shift shift) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest((schedule + "\u0000" + shift.person() + "\u0000" + shift.start().toEpochMilli())
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16) + "@stormwatch";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A TEXT value, escaped: backslash, semicolon, comma and newlines. */
  static String text(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case ';' -> out.append("\\;");
        case ',' -> out.append("\\,");
        case '\n' -> out.append("\\n");
        case '\r' -> { }
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Appends a content line, folded: at most 75 octets per physical line, continuation lines start with a space. */
  static void line(StringBuilder out, String content) {
    int octets = 0;
    for (int i = 0; i < content.length(); ) {
      int cp = content.codePointAt(i);
      int size = utf8Length(cp);
      if (octets + size > MAX_OCTETS) {
        out.append(CRLF).append(' ');
        octets = 1;
      }
      out.appendCodePoint(cp);
      octets += size;
      i += Character.charCount(cp);
    }
    out.append(CRLF);
  }

  private static int utf8Length(int cp) {
    if (cp < 0x80) {
      return 1;
    }
    if (cp < 0x800) {
      return 2;
    }
    return cp < 0x10000 ? 3 : 4;
  }
}
