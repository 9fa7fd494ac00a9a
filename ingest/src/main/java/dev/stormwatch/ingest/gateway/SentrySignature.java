package dev.stormwatch.ingest.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Sentry's {@code Sentry-Hook-Signature}: the hex HMAC-SHA256 of the raw request body,
 * keyed with the integration's client secret. Compared in constant time. Thread-safe.
 */
final class SentrySignature {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  SentrySignature(String clientSecret) {
    Objects.requireNonNull(clientSecret, "clientSecret");
    this.key = new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /**
   * Whether {@code signature} is the body's signature.
   *
   * @param body      the raw body bytes as received
   * @param signature the header value, or null when absent
   * @return true if it matches
   */
  boolean verify(byte[] body, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(signature.strip());
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(sign(body), presented);
  }

  /**
   * The HMAC-SHA256 of {@code body}.
   *
   * @param body the bytes
   * @return the 32-byte MAC
   */
  byte[] sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /**
   * The hex signature Sentry would send for {@code body} with {@code clientSecret}.
   *
   * @param clientSecret the secret
   * @param body         the body
   * @return lower-case hex
   */
  static String hex(String clientSecret, byte[] body) {
    return HexFormat.of().formatHex(new SentrySignature(clientSecret).sign(body));
  }
}
