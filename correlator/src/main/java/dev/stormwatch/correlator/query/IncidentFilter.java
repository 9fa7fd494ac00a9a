package dev.stormwatch.correlator.query;

import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated parameters of {@code GET /api/incidents}: {@code status} and {@code severity} are
 * comma-separated enum names (any case), {@code service} one service name, {@code limit} 1 to
 * {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}). Absent filters match everything.
 *
 * @param statuses   statuses to keep; empty for all
 * @param severities severities to keep; empty for all
 * @param service    a service the incident must contain, if any
 * @param limit      how many incidents at most, newest first
 */
public record IncidentFilter(Set<IncidentStatus> statuses, Set<Severity> severities, Optional<String> service,
                             int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._:/-]{1,253}");

  public IncidentFilter {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    severities = severities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(severities));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
  }

  /** Everything, up to the default limit. */
  public static IncidentFilter all() {
    return new IncidentFilter(Set.of(), Set.of(), Optional.empty(), DEFAULT_LIMIT);
  }

  /** Open (OPEN, ACKNOWLEDGED, REOPENED) incidents containing {@code service}, up to the maximum. */
  public static IncidentFilter openWith(String service) {
    return new IncidentFilter(Set.of(IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED),
        Set.of(), Optional.of(service), MAX_LIMIT);
  }

  /** Whether {@code name} is an acceptable service name. */
  public static boolean validService(String name) {
    return name != null && SERVICE.matcher(name).matches();
  }

  /**
   * Parses query parameters (first value of each; unknown parameters are ignored). Never throws.
   *
   * @param first the first value of each query parameter, null when absent
   * @return the filter, or a one-line reason why the parameters are bad
   */
  public static Parsed parse(Map<String, String> first) {
    List<String> problems = new ArrayList<>();
    Set<IncidentStatus> statuses = enums(first.get("status"), IncidentStatus.class, "status", problems);
    Set<Severity> severities = enums(first.get("severity"), Severity.class, "severity", problems);
    Optional<String> service = Optional.empty();
    String s = first.get("service");
    if (s != null && !s.isEmpty()) {
      if (validService(s)) {
        service = Optional.of(s);
      } else {
        problems.add("service must be 1-253 characters of letters, digits and ._:/-");
      }
    }
    int limit = DEFAULT_LIMIT;
    String l = first.get("limit");
    if (l != null && !l.isEmpty()) {
      try {
        limit = Integer.parseInt(l.trim());
        if (limit < 1 || limit > MAX_LIMIT) {
          problems.add("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
      } catch (NumberFormatException e) {
        problems.add("limit must be an integer, was '" + oneLine(l) + "'");
      }
    }
    if (!problems.isEmpty()) {
      return new Parsed(Optional.empty(), String.join("; ", problems));
    }
    return new Parsed(Optional.of(new IncidentFilter(statuses, severities, service, limit)), "");
  }

  /** The filter as query parameters, to forward it to a peer. */
  public String toQuery() {
    StringBuilder q = new StringBuilder("limit=").append(limit);
    if (!statuses.isEmpty()) {
      q.append("&status=").append(String.join(",", statuses.stream().map(Enum::name).sorted().toList()));
    }
    if (!severities.isEmpty()) {
      q.append("&severity=").append(String.join(",", severities.stream().map(Enum::name).sorted().toList()));
    }
    service.ifPresent(s -> q.append("&service=").append(java.net.URLEncoder.encode(s,
        java.nio.charset.StandardCharsets.UTF_8)));
    return q.toString();
  }

  /** Whether {@code incident} passes the filter (the limit aside). */
  public boolean matches(Incident incident) {
    return (statuses.isEmpty() || statuses.contains(incident.getStatus()))
        && (severities.isEmpty() || severities.contains(incident.getSeverity()))
        && (service.isEmpty() || incident.getServices().stream().anyMatch(s -> s.toString().equals(service.get())));
  }

  /**
   * The outcome of {@link #parse}.
   *
   * @param filter the filter when valid
   * @param error  a one-line reason otherwise
   */
  public record Parsed(Optional<IncidentFilter> filter, String error) {
  }

  private static <E extends Enum<E>> Set<E> enums(String raw, Class<E> type, String param, List<String> problems) {
    if (raw == null || raw.isBlank()) {
      return Set.of();
    }
    EnumSet<E> out = EnumSet.noneOf(type);
    for (String part : raw.split(",", -1)) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      E found = Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(name)).findFirst().orElse(null);
      if (found == null) {
        problems.add(param + " must be one of " + Arrays.toString(type.getEnumConstants()) + ", was '"
            + oneLine(part) + "'");
        return Set.of();
      }
      out.add(found);
    }
    return out;
  }

  private static String oneLine(String s) {
    String clean = s.replaceAll("[\\r\\n\\t]", " ");
    return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
  }
}
