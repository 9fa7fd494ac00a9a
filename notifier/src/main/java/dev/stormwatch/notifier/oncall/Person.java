package dev.stormwatch.notifier.oncall;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Someone who can be paged.
 *
 * @param id       unique person id, as schedules, teams and policies refer to it
 * @param name     display name
 * @param timeZone the person's time zone, for rendering times in pages
 * @param contacts contact methods, in order; each gets every page
 */
public record Person(String id, String name, ZoneId timeZone, List<ContactMethod> contacts) {

  /** Validates and copies. */
  public Person {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(timeZone, "timeZone");
    contacts = List.copyOf(contacts);
  }
}
