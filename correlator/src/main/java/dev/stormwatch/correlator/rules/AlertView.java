package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.correlator.domain.AlertState;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the rules see of one alert: its identity, its label set, its canonical service and name, and
 * whether it fires. Immutable.
 *
 * <p><b>Label values.</b> As in Alertmanager, a label the alert does not have has the value
 * {@code ""}. Two names are special, because Stormwatch normalizes them out of the labels:
 * <ul>
 *   <li>{@code service} has the values of the {@code service} label (when present) <em>and</em> the
 *       alert's canonical service, so a matcher on {@code service} also matches the canonical
 *       service an alert without that label was resolved to (from {@code job}, {@code app}, a Sentry
 *       project...);</li>
 *   <li>{@code alertname} likewise has the label's value and the alert's {@link #name()} (a Sentry
 *       or log alert has no {@code alertname} label).</li>
 * </ul>
 * {@link #values(String)} gives these values; a positive matcher matches when one of them matches,
 * a negative one when none does, so {@code !=} is exactly the negation of {@code =}. For
 * {@code equal} labels of inhibition rules, {@link #value(String)} gives one value: the canonical
 * service for {@code service}, the name for {@code alertname}, else the label (or {@code ""}).
 *
 * @param fingerprint the alert's fingerprint
 * @param name        the alert's name ({@code alertname}, Sentry title, log rule), or null
 * @param service     the alert's canonical service, or null
 * @param labels      its labels, sorted
 * @param firing      whether its latest observation fires (UNKNOWN counts as firing)
 */
public record AlertView(String fingerprint, String name, String service, SortedMap<String, String> labels,
                        boolean firing) {

  /** Label name matched against the canonical service too. */
  public static final String SERVICE = "service";
  /** Label name matched against the alert name too. */
  public static final String ALERTNAME = "alertname";

  /** Copies the labels; null labels are an empty set. */
  public AlertView {
    Objects.requireNonNull(fingerprint, "fingerprint");
    labels = labels == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  /** A view of any label map. */
  public static AlertView of(String fingerprint, String name, String service, Map<String, String> labels,
                             boolean firing) {
    return new AlertView(fingerprint, name, service, labels == null ? null : new TreeMap<>(labels), firing);
  }

  /** The view of an alert's merged state (its latest observation). */
  public static AlertView of(AlertState state) {
    return new AlertView(state.fingerprint(), state.name(), state.service(), state.labels(), state.firing());
  }

  /** The view of one observation. */
  public static AlertView of(AlertEvent event) {
    return of(event.getFingerprint(), event.getName(), event.getService(), event.getLabels(),
        event.getStatus() != AlertStatus.RESOLVED);
  }

  /**
   * The values a matcher on {@code label} is tested against: one value for an ordinary label (the
   * label's, or {@code ""}), up to two for {@code service} and {@code alertname} (see the class
   * comment). Never empty.
   */
  public Set<String> values(String label) {
    String own = labels.get(label);
    String canonical = switch (label) {
      case SERVICE -> service;
      case ALERTNAME -> name;
      default -> null;
    };
    if (canonical == null || canonical.equals(own)) {
      return Set.of(own == null ? "" : own);
    }
    if (own == null) {
      return Set.of(canonical);
    }
    Set<String> both = new LinkedHashSet<>();
    both.add(own);
    both.add(canonical);
    return Collections.unmodifiableSet(both);
  }

  /**
   * The one value of {@code label} that {@code equal} compares: the canonical service for
   * {@code service} and the name for {@code alertname} when known, else the label's value, else
   * {@code ""} (so a label missing on both alerts counts as equal, as in Alertmanager).
   */
  public String value(String label) {
    if (SERVICE.equals(label) && service != null) {
      return service;
    }
    if (ALERTNAME.equals(label) && name != null) {
      return name;
    }
    String v = labels.get(label);
    return v == null ? "" : v;
  }
}
