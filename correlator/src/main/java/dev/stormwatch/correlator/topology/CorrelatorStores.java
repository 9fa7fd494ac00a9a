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
  /**
   * Routing: {@code <13-digit zero-padded expiry epoch millis>|<fingerprint>} → fingerprint; the
   * routing punctuator range-scans only what is due and forgets routes not seen for {@code retention}.
   */
  public static final String ALERT_ROUTE_EXPIRY = "correlator-alert-route-expiry";
  /** Domain-keyed: fingerprint → {@code AlertState}. */
  public static final String ALERTS = "correlator-alerts";
  /** Domain-keyed: fingerprint → id of the incident the alert is in. */
  public static final String ALERT_INCIDENT = "correlator-alert-incident";
  /**
   * Domain-keyed: incident id → {@code Incident} (Avro) without its member alerts (an empty
   * {@code alerts}); they are in {@link #INCIDENT_ALERTS}, so a change of one alert rewrites one
   * member, not all of them.
   */
  public static final String INCIDENTS = "correlator-incidents";
  /** Domain-keyed: {@code <incident id>|<fingerprint>} → {@code AlertSummary}; a prefix scan lists an incident's members. */
  public static final String INCIDENT_ALERTS = "correlator-incident-alerts";
  /**
   * Domain-keyed: incident id → {@code sent} or {@code pending}: the incidents emitted to the
   * {@code incidents} topic since the last punctuation, and those whose later changes wait for it.
   * At most two full states of one incident go out per punctuation interval, however many alerts
   * it takes in.
   */
  public static final String INCIDENT_OUTPUT = "correlator-incident-output";
  /** Domain-keyed: {@code <domain>|<incident id>} → empty; a prefix scan lists a domain's incidents. */
  public static final String DOMAIN_INDEX = "correlator-domain-index";
  /**
   * Domain-keyed: {@code <13-digit zero-padded due epoch millis>|<incident id>} → incident id; the
   * punctuator range-scans only what is due.
   */
  public static final String DEADLINES = "correlator-deadlines";

  /**
   * Domain-keyed: {@code <13-digit zero-padded expiry epoch millis>|<fingerprint>} → fingerprint; the
   * punctuator range-scans only what is due and drops the state of alerts quiet for {@code retention}
   * whose incident (if any) has left state.
   */
  public static final String ALERT_EXPIRY = "correlator-alert-expiry";

  /**
   * Global: silences and maintenance windows, id → {@code Silence} as read from the compacted
   * {@code silences} topic (a value that cannot be decoded reads as null). A shared
   * {@link SilenceView} compiles it into a {@code SilenceSet}; the query API lists it.
   */
  public static final String SILENCES = "correlator-silences";
  /**
   * Domain-keyed: {@code <domain>|<fingerprint>} → encoded {@code Inhibitor.Source}: the firing alerts
   * that match an inhibition rule's source side, per domain (inhibition works within a domain).
   */
  public static final String INHIBIT_SOURCES = "correlator-inhibit-sources";
  /** Domain-keyed: fingerprint → {@code FlapState}, the recent state changes of an alert; leaves with the alert. */
  public static final String FLAP_STATES = "correlator-flap-states";
  /** Domain-keyed: service → {@code ServiceChanges}, the recent changes of a service seen by this task. */
  public static final String CHANGES = "correlator-changes";
  /**
   * Domain-keyed window store: incident id at its {@code openedAt} → its milestones (JSON, see
   * {@link StatsCodec}); kept {@code stats-retention}, for {@code GET /api/stats}.
   */
  public static final String STATS_INCIDENTS = "correlator-stats-incidents";
  /** Domain-keyed window store: change id at its time → the change (JSON); kept {@code stats-retention}. */
  public static final String STATS_CHANGES = "correlator-stats-changes";

  /** The stores of the routing processor. */
  public static final List<String> ROUTE = List.of(ALERT_ROUTES, ALERT_ROUTE_EXPIRY);
  /** The stores of the domain-keyed correlate processor. */
  public static final List<String> CORRELATE = List.of(ALERTS, ALERT_INCIDENT, INCIDENTS, INCIDENT_ALERTS,
      INCIDENT_OUTPUT, DOMAIN_INDEX, DEADLINES, ALERT_EXPIRY, INHIBIT_SOURCES, FLAP_STATES, CHANGES, STATS_INCIDENTS,
      STATS_CHANGES);

  private CorrelatorStores() {}
}
