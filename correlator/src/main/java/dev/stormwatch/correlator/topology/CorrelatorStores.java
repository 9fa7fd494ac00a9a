package dev.stormwatch.correlator.topology;

import java.util.List;

/**
 * Every state store of the correlator, by name: the one place the topology, the query API and the
 * tests take them from. Each changelogged store's changelog is {@code <application.id>-<name>-changelog}.
 * Renaming one is a migration.
 */
public final class CorrelatorStores {

  /** Global: the service graph, service name → {@code ServiceNode} (from {@code topology.services}). */
  public static final String TOPOLOGY = "correlator-topology";
  /** Routing: fingerprint → {@code AlertRoute} (the domain an alert's episode went to). */
  public static final String ALERT_ROUTES = "correlator-alert-routes";
  /** Domain-keyed: fingerprint → {@code AlertState}. */
  public static final String ALERTS = "correlator-alerts";
  /** Domain-keyed: fingerprint → id of the incident the alert is in. */
  public static final String ALERT_INCIDENT = "correlator-alert-incident";
  /** Domain-keyed: incident id → {@code Incident} (Avro). */
  public static final String INCIDENTS = "correlator-incidents";
  /** Domain-keyed: {@code <domain>|<incident id>} → empty; a prefix scan lists a domain's incidents. */
  public static final String DOMAIN_INDEX = "correlator-domain-index";
  /**
   * Domain-keyed: {@code <13-digit zero-padded due epoch millis>|<incident id>} → incident id; the
   * punctuator range-scans only what is due.
   */
  public static final String DEADLINES = "correlator-deadlines";

  /** The stores of the domain-keyed correlate processor. */
  public static final List<String> CORRELATE = List.of(ALERTS, ALERT_INCIDENT, INCIDENTS, DOMAIN_INDEX, DEADLINES);

  private CorrelatorStores() {}
}
