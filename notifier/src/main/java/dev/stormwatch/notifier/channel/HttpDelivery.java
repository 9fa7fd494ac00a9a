package dev.stormwatch.notifier.channel;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * One HTTP POST to a provider and the classification of its answer, shared by the HTTP channels.
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>answer</th><th>reason</th><th>retryable</th></tr>
 *   <tr><td>2xx</td><td>(delivered)</td><td></td></tr>
 *   <tr><td>429</td><td>http_429</td><td>yes, after {@code Retry-After} when given</td></tr>
 *   <tr><td>408</td><td>timeout</td><td>yes</td></tr>
 *   <tr><td>5xx</td><td>http_5xx</td><td>yes ({@code Retry-After} honoured on 503)</td></tr>
 *   <tr><td>other 4xx</td><td>http_4xx</td><td>no</td></tr>
 *   <tr><td>1xx, 3xx (redirects are not followed)</td><td>bad_config</td><td>no</td></tr>
 *   <tr><td>no answer within the request timeout</td><td>timeout</td><td>yes</td></tr>
 *   <tr><td>no connection (refused, unresolved, connect timeout, TLS)</td><td>connect</td><td>yes</td></tr>
 *   <tr><td>other I/O error</td><td>io</td><td>yes</td></tr>
 * </table>
 *
 * <p>Error texts name the provider's host only, never the path or query: a Slack webhook URL's
 * path is its secret.
 */
final class HttpDelivery {

  static final String USER_AGENT = "Stormwatch-Dispatcher/1";

  private final HttpClient client;
  private final Duration requestTimeout;

  HttpDelivery(HttpClient client, Duration requestTimeout) {
    this.client = client;
    this.requestTimeout = requestTimeout;
  }

  /**
   * POSTs {@code body} as JSON.
   *
   * @param uri       where
   * @param headers   extra headers
   * @param body      the JSON body
   * @param now       the attempt's time, for {@code Retry-After} dates
   * @param reference picks the provider's reference out of a 2xx answer (may return null)
   */
  SendResult postJson(URI uri, Map<String, String> headers, byte[] body, Instant now,
                      Function<HttpResponse<String>, String> reference) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(uri)
          .timeout(requestTimeout)
          .header("Content-Type", "application/json")
          .header("User-Agent", USER_AGENT)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(request::header);
    } catch (IllegalArgumentException e) {
      return SendResult.Failed.badConfig("cannot build a request to " + host(uri) + ": " + e.getMessage());
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      return SendResult.Failed.of(FailureReason.CONNECT, true, "connect timeout to " + host(uri));
    } catch (HttpTimeoutException e) {
      return SendResult.Failed.of(FailureReason.TIMEOUT, true,
          "no answer from " + host(uri) + " within " + requestTimeout);
    } catch (ConnectException | UnknownHostException | NoRouteToHostException | SSLException e) {
      return SendResult.Failed.of(FailureReason.CONNECT, true,
          "cannot connect to " + host(uri) + ": " + e.getClass().getSimpleName() + message(e));
    } catch (IOException e) {
      if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof ConnectException) {
        return SendResult.Failed.of(FailureReason.CONNECT, true, "cannot connect to " + host(uri));
      }
      return SendResult.Failed.of(FailureReason.IO, true,
          "I/O error with " + host(uri) + ": " + e.getClass().getSimpleName() + message(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SendResult.Failed.of(FailureReason.INTERRUPTED, true, "interrupted while sending to " + host(uri));
    } catch (IllegalArgumentException e) {
      return SendResult.Failed.badConfig("cannot send to " + host(uri) + ": " + e.getMessage());
    }
    return classify(uri, response, now, reference);
  }

  static SendResult classify(URI uri, HttpResponse<String> response, Instant now,
                             Function<HttpResponse<String>, String> reference) {
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body();
    if (status >= 200 && status < 300) {
      String ref;
      try {
        ref = reference.apply(response);
      } catch (RuntimeException e) {
        ref = null;
      }
      return new SendResult.Delivered(status, ref, body);
    }
    String what = "HTTP " + status + " from " + host(uri);
    Duration retryAfter = response.headers().firstValue("Retry-After")
        .flatMap(h -> RetryAfter.parse(h, now)).orElse(null);
    if (status == 429) {
      return new SendResult.Failed(FailureReason.HTTP_429, true, status, retryAfter, what, body);
    }
    if (status == 408) {
      return new SendResult.Failed(FailureReason.TIMEOUT, true, status, retryAfter, what, body);
    }
    if (status >= 500) {
      return new SendResult.Failed(FailureReason.HTTP_5XX, true, status, status == 503 ? retryAfter : null, what,
          body);
    }
    if (status >= 400) {
      return new SendResult.Failed(FailureReason.HTTP_4XX, false, status, null, what, body);
    }
    return new SendResult.Failed(FailureReason.BAD_CONFIG, false, status, null,
        what + " (redirects are not followed: configure the final URL)", body);
  }

  /** The host (and port) of {@code uri}, for messages. */
  static String host(URI uri) {
    if (uri == null || uri.getHost() == null) {
      return "(no host)";
    }
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? "" : ": " + e.getMessage();
  }
}
