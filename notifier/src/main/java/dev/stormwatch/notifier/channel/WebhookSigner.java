package dev.stormwatch.notifier.channel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook's signature, in the style of Stripe's and Slack's request signing.
 *
 * <p>Header {@value #HEADER}: {@code t=<unix seconds>,v1=<hex>}, where {@code <hex>} is the
 * lower-case hex HMAC-SHA256, keyed with the webhook's secret (its UTF-8 bytes), of the string
 * {@code <t>.<body>}: the same decimal timestamp, a full stop, and the raw request body bytes.
 *
 * <p>A receiver verifies by recomputing the HMAC over the raw body it received, comparing in
 * constant time with every {@code v1} value (more than one may appear in the future, during a
 * secret rotation), and rejecting a timestamp further than its tolerance (e.g. 5 minutes) from
 * its own clock, so a captured request cannot be replayed later. {@link #verify} does exactly
 * this. A re-sent page has the same body and {@code Idempotency-Key} but a new timestamp and
 * signature.
 */
public final class WebhookSigner {

  /** The signature header. */
  public static final String HEADER = "Stormwatch-Signature";

  /** The scheme tag of the current signature version. */
  public static final String SCHEME = "v1";

  private static final String HMAC = "HmacSHA256";

  private WebhookSigner() {
  }

  /**
   * The {@value #HEADER} value for {@code body} sent at {@code timestamp}.
   *
   * @param secret    the webhook's signing secret
   * @param timestamp when the request is sent
   * @param body      the exact body bytes
   */
  public static String header(Secret secret, Instant timestamp, byte[] body) {
    long t = timestamp.getEpochSecond();
    return "t=" + t + "," + SCHEME + "=" + HexFormat.of().formatHex(hmac(secret, t, body));
  }

  /**
   * Checks a received {@value #HEADER}: well-formed, timestamp within {@code tolerance} of
   * {@code now}, and one {@code v1} signature matching {@code body}.
   *
   * @return true when the request is authentic and fresh
   */
  public static boolean verify(Secret secret, String header, byte[] body, Instant now, Duration tolerance) {
    if (header == null) {
      return false;
    }
    Long t = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      if (key.equals("t")) {
        try {
          t = Long.parseLong(value);
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (key.equals(SCHEME)) {
        signatures.add(value);
      }
    }
    if (t == null || signatures.isEmpty()) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      return false;
    }
    byte[] expected = hmac(secret, t, body);
    for (String signature : signatures) {
      byte[] given;
      try {
        given = HexFormat.of().parseHex(signature);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmac(Secret secret, long t, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret.value().getBytes(StandardCharsets.UTF_8), HMAC));
      mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
