package dev.stormwatch.notifier.channel;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Opsgenie Alert API.
 *
 * @param baseUrl the API's base URL ({@code https://api.opsgenie.com}, or
 *                {@code https://api.eu.opsgenie.com}); alerts go to {@code <baseUrl>/v2/alerts}
 * @param apiKeys API-integration keys by the names recipients use as their address
 */
public record OpsgenieSettings(URI baseUrl, Map<String, Secret> apiKeys) {

  /** Opsgenie's US endpoint. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.opsgenie.com");

  public OpsgenieSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    apiKeys = Map.copyOf(apiKeys);
  }

  /** Opsgenie's US endpoint and no keys. */
  public static OpsgenieSettings defaults() {
    return new OpsgenieSettings(DEFAULT_BASE_URL, Map.of());
  }
}
