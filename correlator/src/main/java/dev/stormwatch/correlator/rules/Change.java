package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.SuspectChange;
import java.time.Instant;
import java.util.Objects;

/**
 * What the correlator keeps of a {@link ChangeEvent}: enough to name it as a suspect. Immutable.
 * Text is bounded: strings longer than {@value #MAX_TEXT} characters are cut (ids are rejected
 * instead, since cutting would merge changes); times are kept to the millisecond.
 *
 * @param id          the change's id
 * @param service     the changed service
 * @param kind        deploy, rollback, config, feature flag or other
 * @param summary     one line, or null
 * @param version     version, image tag or commit deployed, or null
 * @param author      who made it, or null
 * @param environment environment changed, or null
 * @param link        the change's link (the first of kind CHANGE, else the first), or null
 * @param time        when it took effect
 */
public record Change(String id, String service, ChangeKind kind, String summary, String version, String author,
                     String environment, String link, Instant time) {

  /** Longest kept text. */
  public static final int MAX_TEXT = 1000;

  /** Checks and bounds the parts. */
  public Change {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("change has no id");
    }
    if (id.length() > MAX_TEXT) {
      throw new IllegalArgumentException("change id longer than " + MAX_TEXT + " characters");
    }
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("change " + id + " has no service");
    }
    Objects.requireNonNull(time, "change " + id + " has no time");
    kind = kind == null ? ChangeKind.OTHER : kind;
    service = cut(service);
    summary = cut(summary);
    version = cut(version);
    author = cut(author);
    environment = cut(environment);
    link = cut(link);
    time = Instant.ofEpochMilli(time.toEpochMilli());
  }

  /**
   * From a {@code changes.events} record.
   *
   * @throws IllegalArgumentException for a change without id, service or time
   */
  public static Change of(ChangeEvent e) {
    String link = null;
    if (e.getLinks() != null) {
      for (Link l : e.getLinks()) {
        if (l != null && l.getUrl() != null && (link == null || l.getKind() == LinkKind.CHANGE)) {
          link = l.getUrl();
          if (l.getKind() == LinkKind.CHANGE) {
            break;
          }
        }
      }
    }
    return new Change(e.getId(), e.getService(), e.getKind(), e.getSummary(), e.getVersion(), e.getAuthor(),
        e.getEnvironment(), link, e.getTime());
  }

  /** The Avro suspect of an incident. */
  public SuspectChange toSuspect() {
    return SuspectChange.newBuilder().setChangeId(id).setService(service).setKind(kind).setSummary(summary)
        .setVersion(version).setAuthor(author).setLink(link).setTime(time).build();
  }

  /** E.g. {@code deployed v1.4.2 by alice}, {@code rolled back to v1.4.1}, {@code toggled feature flag (new-cart)}. */
  public String describe() {
    String what = switch (kind) {
      case DEPLOY -> "deployed" + (version == null ? "" : " " + version);
      case ROLLBACK -> "rolled back" + (version == null ? "" : " to " + version);
      case CONFIG -> "changed config" + (version == null ? "" : " (" + version + ")");
      case FEATURE_FLAG -> "toggled feature flag" + (summary == null ? "" : " (" + summary + ")");
      default -> "changed" + (summary == null ? "" : " (" + summary + ")");
    };
    return what + (author == null || author.isBlank() ? "" : " by " + author);
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }
}
