package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the correlator knows of one alert (one fingerprint), built from its {@link AlertEvent}
 * observations. Immutable.
 *
 * <p><b>Merge is a join.</b> {@link #merge(AlertState)} is commutative, associative and idempotent,
 * so observations delivered in any order, or twice, give the same state. Every component is a
 * semilattice: a maximum under a total order, a minimum, a maximum, the largest K of a set union, or
 * the smallest K of a set union; derived values ({@link #status()}, {@link #startsAt()}...) are
 * functions of those components.
 *
 * <p><b>Event time.</b> An observation's event time ({@link Observation#at()}) is its
 * {@code startsAt} when it is firing, its {@code endsAt} when it is resolved (never before
 * {@code startsAt}; {@code max(startsAt, observedAt)} for a resolve without {@code endsAt}). A status
 * of {@code UNKNOWN} counts as firing: someone sent us the alert.
 *
 * <p><b>Which observation is the latest</b> (status, severity, name, labels, annotations, summary,
 * links come from it): the greatest by event time; on equal event time a resolve wins over a firing;
 * then the later {@code observedAt}; then the greater canonical content string, so the order is
 * total and the choice never depends on arrival order. Hence a resolve with {@code endsAt} at or
 * after the firing's {@code startsAt} wins, and a later re-fire (a new {@code startsAt}) wins over
 * an older resolve.
 *
 * <p><b>Current episode.</b> {@link #startsAt()} of a firing alert is the earliest {@code startsAt}
 * of the firing observations after the latest resolve. The state keeps the latest
 * {@value #RECENT_POINTS} distinct (event time, status) points; when more than that many distinct
 * start times follow the latest resolve, it is the earliest of the kept ones (the same for every
 * order). {@link #stateChanges()} counts firing/resolved alternations among those points: the seam
 * for flap detection.
 *
 * <p><b>Counts.</b> A count that must ignore duplicates cannot simply add up, so
 * {@link #observations()} counts distinct observations with a K-minimum-values sketch of
 * {@value #SKETCH_SIZE} hashes: exact below {@value #SKETCH_SIZE}, an estimate (about 12% error)
 * beyond. {@link #occurrences()} is the largest {@code occurrences} seen (sources report a running
 * count).
 */
public final class AlertState {

  /** Distinct (event time, status) points kept for the episode start and state changes. */
  public static final int RECENT_POINTS = 32;
  /** Hashes kept in the distinct-observation sketch. */
  public static final int SKETCH_SIZE = 64;

  /** Orders observations: the greatest is the latest. */
  static final Comparator<Observation> LATEST = Comparator.comparing(Observation::at)
      .thenComparing(Observation::resolved)
      .thenComparing(Observation::observedAt)
      .thenComparing(Observation::canonical);

  private final String fingerprint;
  private final Observation latest;
  private final Instant firstSeenAt;
  private final Instant lastSeenAt;
  private final Instant firstFiringAt;
  private final Instant lastResolvedAt;
  private final long occurrences;
  private final NavigableSet<Point> recent;
  private final long[] sketch;

  AlertState(String fingerprint, Observation latest, Instant firstSeenAt, Instant lastSeenAt,
                     Instant firstFiringAt, Instant lastResolvedAt, long occurrences, NavigableSet<Point> recent,
                     long[] sketch) {
    this.fingerprint = fingerprint;
    this.latest = latest;
    this.firstSeenAt = firstSeenAt;
    this.lastSeenAt = lastSeenAt;
    this.firstFiringAt = firstFiringAt;
    this.lastResolvedAt = lastResolvedAt;
    this.occurrences = occurrences;
    this.recent = Collections.unmodifiableNavigableSet(recent);
    this.sketch = sketch;
  }

  /** The state of an alert seen once, in this observation. */
  public static AlertState of(AlertEvent event) {
    Objects.requireNonNull(event, "event");
    Observation o = Observation.of(event);
    TreeSet<Point> points = new TreeSet<>();
    points.add(new Point(o.at(), o.resolved()));
    return new AlertState(event.getFingerprint(), o, o.at(), o.at(), o.resolved() ? null : o.startsAt(),
        o.resolved() ? o.at() : null, o.occurrences(), points, new long[] {o.digest()});
  }

  /**
   * The state that knows both this one's observations and the other's. Commutative, associative and
   * idempotent.
   *
   * @throws IllegalArgumentException when the fingerprints differ
   */
  public AlertState merge(AlertState other) {
    if (!fingerprint.equals(other.fingerprint)) {
      throw new IllegalArgumentException("cannot merge alert " + other.fingerprint + " into " + fingerprint);
    }
    if (this == other) {
      return this;
    }
    TreeSet<Point> points = new TreeSet<>(recent);
    points.addAll(other.recent);
    while (points.size() > RECENT_POINTS) {
      points.pollFirst();
    }
    return new AlertState(fingerprint,
        LATEST.compare(latest, other.latest) >= 0 ? latest : other.latest,
        min(firstSeenAt, other.firstSeenAt), max(lastSeenAt, other.lastSeenAt),
        min(firstFiringAt, other.firstFiringAt), max(lastResolvedAt, other.lastResolvedAt),
        Math.max(occurrences, other.occurrences), points, mergeSketch(sketch, other.sketch));
  }

  /** {@code merge(AlertState.of(event))}. */
  public AlertState observe(AlertEvent event) {
    return merge(of(event));
  }

  /** The alert's fingerprint. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The latest observation (see the class comment for the order). */
  public Observation latest() {
    return latest;
  }

  /** FIRING or RESOLVED, from the latest observation. */
  public AlertStatus status() {
    return latest.resolved() ? AlertStatus.RESOLVED : AlertStatus.FIRING;
  }

  /** Whether the latest observation says firing. */
  public boolean firing() {
    return !latest.resolved();
  }

  /** Alert name, from the latest observation. */
  public String name() {
    return latest.name();
  }

  /** Canonical service, from the latest observation. */
  public String service() {
    return latest.service();
  }

  /** Severity of the latest observation. */
  public Severity severity() {
    return latest.severity();
  }

  /** Summary of the latest observation, or null. */
  public String summary() {
    return latest.summary();
  }

  /** Labels of the latest observation. */
  public SortedMap<String, String> labels() {
    return latest.labels();
  }

  /** Annotations of the latest observation. */
  public SortedMap<String, String> annotations() {
    return latest.annotations();
  }

  /** Event time of the latest observation: what correlation decisions are made at. */
  public Instant eventTime() {
    return latest.at();
  }

  /**
   * Onset of the current episode: for a firing alert, the earliest start since the latest resolve;
   * for a resolved one, the earliest start of the episode that resolve ended.
   */
  public Instant startsAt() {
    Point lastResolve = lastResolvedAt == null ? null : new Point(lastResolvedAt, true);
    if (firing()) {
      if (lastResolve == null) {
        return firstFiringAt;
      }
      Instant earliest = latest.startsAt();
      NavigableSet<Point> after = recent.contains(lastResolve) ? recent.tailSet(lastResolve, false) : recent;
      for (Point p : after) {
        if (!p.resolved() && p.at().isBefore(earliest)) {
          earliest = p.at();
        }
      }
      return earliest;
    }
    Point end = new Point(latest.at(), true);
    Point previousResolve = null;
    for (Point p : recent.headSet(end, false).descendingSet()) {
      if (p.resolved()) {
        previousResolve = p;
        break;
      }
    }
    NavigableSet<Point> episode = previousResolve == null ? recent.headSet(end, false)
        : recent.subSet(previousResolve, false, end, false);
    Instant earliest = latest.startsAt();
    for (Point p : episode) {
      if (!p.resolved() && p.at().isBefore(earliest)) {
        earliest = p.at();
      }
    }
    return earliest;
  }

  /** When the latest episode ended, for a resolved alert; null while firing. */
  public Instant endsAt() {
    return firing() ? null : latest.at();
  }

  /** Earliest event time of any observation. */
  public Instant firstSeenAt() {
    return firstSeenAt;
  }

  /** Latest event time of any observation. */
  public Instant lastSeenAt() {
    return lastSeenAt;
  }

  /** Event time of the latest resolve, or null if never resolved. */
  public Instant lastResolvedAt() {
    return lastResolvedAt;
  }

  /** Distinct observations merged into this state: exact below {@value #SKETCH_SIZE}, else estimated. */
  public long observations() {
    if (sketch.length < SKETCH_SIZE) {
      return sketch.length;
    }
    double kth = unsignedFraction(sketch[SKETCH_SIZE - 1]);
    return Math.max(SKETCH_SIZE, Math.round((SKETCH_SIZE - 1) / kth));
  }

  /** The largest {@code occurrences} any observation reported. */
  public long occurrences() {
    return occurrences;
  }

  /** Firing/resolved alternations among the latest {@value #RECENT_POINTS} distinct status points. */
  public int stateChanges() {
    int changes = 0;
    Boolean previous = null;
    for (Point p : recent) {
      if (previous != null && previous != p.resolved()) {
        changes++;
      }
      previous = p.resolved();
    }
    return changes;
  }

  /** What an incident keeps of this alert. */
  public AlertSummary toSummary() {
    return AlertSummary.newBuilder()
        .setFingerprint(fingerprint)
        .setName(name())
        .setService(service())
        .setSeverity(severity())
        .setStatus(status())
        .setSummary(summary())
        .setStartsAt(startsAt())
        .setEndsAt(endsAt())
        .setLastSeenAt(lastSeenAt)
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlertState s && fingerprint.equals(s.fingerprint) && latest.equals(s.latest)
        && firstSeenAt.equals(s.firstSeenAt) && lastSeenAt.equals(s.lastSeenAt)
        && Objects.equals(firstFiringAt, s.firstFiringAt) && Objects.equals(lastResolvedAt, s.lastResolvedAt)
        && occurrences == s.occurrences && recent.equals(s.recent) && Arrays.equals(sketch, s.sketch);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fingerprint, latest, lastSeenAt, recent, Arrays.hashCode(sketch));
  }

  @Override
  public String toString() {
    return "AlertState{" + fingerprint + " " + status() + " " + service() + "/" + name() + " since " + startsAt()
        + ", last " + lastSeenAt + ", " + observations() + " obs}";
  }

  Instant firstFiringAt() {
    return firstFiringAt;
  }

  NavigableSet<Point> recent() {
    return recent;
  }

  long[] sketch() {
    return sketch.clone();
  }

  // ---- parts --------------------------------------------------------------------------------

  /** A distinct (event time, status) point of the alert's history. Resolved sorts after firing. */
  record Point(Instant at, boolean resolved) implements Comparable<Point> {
    @Override
    public int compareTo(Point o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Boolean.compare(resolved, o.resolved);
    }
  }

  /** An immutable link of an alert. */
  public record AlertLink(LinkKind kind, String url, String title) {
    static AlertLink of(Link link) {
      return new AlertLink(link.getKind(), link.getUrl(), link.getTitle());
    }
  }

  /**
   * The content of one observation, normalized and immutable.
   *
   * @param at          event time (see {@link AlertState})
   * @param resolved    whether it says resolved
   * @param canonical   a canonical string of every field, the last tie-break and the digest's input
   */
  public record Observation(Instant at, boolean resolved, String name, String service, String environment,
                            Severity severity, AlertSource source, String summary, String description,
                            SortedMap<String, String> labels, SortedMap<String, String> annotations,
                            List<AlertLink> links, Instant startsAt, Instant endsAt, Instant observedAt,
                            long occurrences, String canonical) {

    /**
     * The event time of one observation (see the class comment), without building it: its
     * {@code startsAt} firing, its {@code endsAt} (never before {@code startsAt}) resolved.
     */
    public static Instant eventTime(AlertEvent e) {
      Instant startsAt = Objects.requireNonNull(e.getStartsAt(), "startsAt");
      if (e.getStatus() != AlertStatus.RESOLVED) {
        return startsAt;
      }
      if (e.getEndsAt() != null) {
        return max(e.getEndsAt(), startsAt);
      }
      return max(e.getObservedAt() == null ? startsAt : e.getObservedAt(), startsAt);
    }

    static Observation of(AlertEvent e) {
      boolean resolved = e.getStatus() == AlertStatus.RESOLVED;
      Instant startsAt = Objects.requireNonNull(e.getStartsAt(), "startsAt");
      Instant observedAt = e.getObservedAt() == null ? startsAt : e.getObservedAt();
      Instant endsAt = e.getEndsAt();
      Instant at = eventTime(e);
      SortedMap<String, String> labels = sorted(e.getLabels());
      SortedMap<String, String> annotations = sorted(e.getAnnotations());
      List<AlertLink> links = new ArrayList<>();
      if (e.getLinks() != null) {
        for (Link l : e.getLinks()) {
          links.add(AlertLink.of(l));
        }
      }
      Severity severity = e.getSeverity() == null ? Severity.UNKNOWN : e.getSeverity();
      AlertSource source = e.getSource() == null ? AlertSource.UNKNOWN : e.getSource();
      String service = e.getService() == null ? "unknown" : e.getService();
      String name = e.getName() == null ? "" : e.getName();
      StringBuilder c = new StringBuilder(256);
      field(c, at.toString());
      field(c, String.valueOf(resolved));
      field(c, name);
      field(c, service);
      field(c, e.getEnvironment());
      field(c, severity.name());
      field(c, source.name());
      field(c, e.getSummary());
      field(c, e.getDescription());
      labels.forEach((k, v) -> field(field(c, k), v));
      c.append('|');
      annotations.forEach((k, v) -> field(field(c, k), v));
      c.append('|');
      for (AlertLink l : links) {
        field(field(field(c, l.kind() == null ? null : l.kind().name()), l.url()), l.title());
      }
      c.append('|');
      field(c, startsAt.toString());
      field(c, endsAt == null ? null : endsAt.toString());
      field(c, observedAt.toString());
      field(c, String.valueOf(e.getOccurrences()));
      return new Observation(at, resolved, name, service, e.getEnvironment(), severity, source, e.getSummary(),
          e.getDescription(), labels, annotations, List.copyOf(links), startsAt, endsAt, observedAt,
          e.getOccurrences(), c.toString());
    }

    /** A well-mixed 64-bit hash of the canonical content. */
    long digest() {
      long h = 0xcbf29ce484222325L;
      for (byte b : canonical.getBytes(StandardCharsets.UTF_8)) {
        h ^= b & 0xff;
        h *= 0x100000001b3L;
      }
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      h *= 0xc4ceb9fe1a85ec53L;
      h ^= h >>> 33;
      return h;
    }

    private static StringBuilder field(StringBuilder c, String value) {
      if (value == null) {
        return c.append("-;");
      }
      return c.append(value.length()).append(':').append(value).append(';');
    }

    private static SortedMap<String, String> sorted(Map<String, String> map) {
      return map == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
  }

  private static long[] mergeSketch(long[] a, long[] b) {
    long[] out = new long[Math.min(SKETCH_SIZE, a.length + b.length)];
    int i = 0;
    int j = 0;
    int n = 0;
    while (n < out.length && (i < a.length || j < b.length)) {
      long next;
      if (j >= b.length || i < a.length && Long.compareUnsigned(a[i], b[j]) <= 0) {
        next = a[i++];
        if (j < b.length && b[j] == next) {
          j++;
        }
      } else {
        next = b[j++];
      }
      out[n++] = next;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static double unsignedFraction(long v) {
    return ((v >>> 11) + 1) / (double) (1L << 53);
  }

  private static Instant min(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
