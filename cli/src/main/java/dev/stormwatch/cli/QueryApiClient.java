package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The correlator's query API for the commands that talk to it ({@code incidents},
 * {@code silence}, {@code stats}): as a picocli mixin, their {@code --api} and {@code --token}
 * options (inherited by their subcommands); and one call to it, where a non-2xx answer, an
 * unreachable API or a timeout become one clear line.
 */
final class QueryApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:STORMWATCH_QUERY_URL:-http://127.0.0.1:8080}",
      scope = CommandLine.ScopeType.INHERIT,
      description = "The correlator's query API (env STORMWATCH_QUERY_URL; default: ${DEFAULT-VALUE}).")
  String api;

  @Option(names = "--token", defaultValue = "${env:STORMWATCH_QUERY_TOKEN:-${env:STORMWATCH_API_TOKEN}}",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Bearer token when the API requires one for writes, as 'up --api-token' or"
          + " 'correlator --api-token' makes it (env STORMWATCH_QUERY_TOKEN, else STORMWATCH_API_TOKEN, the"
          + " variable 'up' and 'correlator' read, so one exported token serves both).")
  String token;

  /**
   * One call to the API at {@code --api} with {@code --token}; see
   * {@link #call(String, String, String, String, String)}.
   */
  JsonNode call(String method, String path, String body) {
    return call(api, token, method, path, body);
  }

  /**
   * Calls the API.
   *
   * @param api    base URL, e.g. {@code http://127.0.0.1:8080}
   * @param token  bearer token, or null
   * @param method HTTP method
   * @param path   path and query
   * @param body   JSON body, or null
   * @return the JSON answer
   * @throws IllegalStateException with a one-line message when the call fails
   */
  static JsonNode call(String api, String token, String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.replaceAll("/+$", "") + path))
        .timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Accept", "application/json");
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        String reason = response.body() == null ? "" : response.body().strip().lines().findFirst().orElse("");
        throw new IllegalStateException("the query API answered " + response.statusCode()
            + (reason.isEmpty() ? "" : ": " + reason)
            + (response.statusCode() == 503 ? " (rebalancing or starting; try again in a moment)" : ""));
      }
      return JSON.readTree(response.body());
    } catch (ConnectException e) {
      throw new IllegalStateException("cannot reach the query API at " + api + " (is Stormwatch running? try:"
          + " stormwatch up)", e);
    } catch (HttpTimeoutException e) {
      throw new IllegalStateException("the query API at " + api + " did not answer within 15s", e);
    } catch (IOException e) {
      throw new IllegalStateException("calling the query API at " + api + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
