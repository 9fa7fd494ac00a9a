package dev.stormwatch.ingest.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * How one endpoint authenticates its callers: not at all, with a static bearer token, or with HTTP
 * basic auth. Immutable; credentials are compared in constant time and never shown by
 * {@link #toString()}.
 *
 * <p>The textual form, as {@link #parse(String)} reads it from configuration: {@code none},
 * {@code bearer:<token>} or {@code basic:<user>:<password>} (the password may contain colons).
 *
 * @param scheme the scheme
 * @param secret for {@link Scheme#BEARER} the token, for {@link Scheme#BASIC} {@code user:password},
 *               for {@link Scheme#NONE} the empty string
 */
public record EndpointAuth(Scheme scheme, String secret) {

  /** Authentication schemes. */
  public enum Scheme {
    /** Anyone may call the endpoint. */
    NONE,
    /** {@code Authorization: Bearer <token>}. */
    BEARER,
    /** {@code Authorization: Basic base64(user:password)}. */
    BASIC
  }

  private static final EndpointAuth NONE = new EndpointAuth(Scheme.NONE, "");
  private static final String REALM = "stormwatch";

  /** Validates the scheme and secret. */
  public EndpointAuth {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(secret, "secret");
    switch (scheme) {
      case NONE -> {
        if (!secret.isEmpty()) {
          throw new IllegalArgumentException("auth scheme none takes no secret");
        }
      }
      case BEARER -> {
        if (secret.isBlank() || secret.chars().anyMatch(c -> c <= ' ' || c > '~')) {
          throw new IllegalArgumentException("a bearer token must be non-empty printable ASCII without spaces");
        }
      }
      case BASIC -> {
        int colon = secret.indexOf(':');
        if (colon <= 0 || secret.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
          throw new IllegalArgumentException("basic auth needs user:password with a non-empty user");
        }
      }
      default -> throw new IllegalStateException("unknown scheme " + scheme);
    }
  }

  /**
   * No authentication.
   *
   * @return the shared instance
   */
  public static EndpointAuth none() {
    return NONE;
  }

  /**
   * Bearer-token authentication.
   *
   * @param token the token callers must send
   * @return the auth
   */
  public static EndpointAuth bearer(String token) {
    return new EndpointAuth(Scheme.BEARER, token);
  }

  /**
   * HTTP basic authentication.
   *
   * @param user     the user name, non-empty, without {@code ':'}
   * @param password the password
   * @return the auth
   */
  public static EndpointAuth basic(String user, String password) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (user.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a basic-auth user name may not contain ':'");
    }
    return new EndpointAuth(Scheme.BASIC, user + ":" + password);
  }

  /**
   * Reads {@code none}, {@code bearer:<token>} or {@code basic:<user>:<password>}.
   *
   * @param text the configured value; {@code null} or blank means none
   * @return the auth
   * @throws IllegalArgumentException if the text is malformed
   */
  public static EndpointAuth parse(String text) {
    if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
      return NONE;
    }
    int colon = text.indexOf(':');
    String scheme = colon < 0 ? text : text.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    return switch (scheme) {
      case "bearer" -> bearer(rest);
      case "basic" -> new EndpointAuth(Scheme.BASIC, rest);
      default -> throw new IllegalArgumentException(
          "auth must be none, bearer:<token> or basic:<user>:<password>, got scheme '" + scheme + "'");
    };
  }

  /**
   * Whether a request carrying this {@code Authorization} header may call the endpoint.
   *
   * @param authorization the header value, or {@code null} when absent
   * @return true if allowed
   */
  public boolean permits(String authorization) {
    if (scheme == Scheme.NONE) {
      return true;
    }
    if (authorization == null) {
      return false;
    }
    String prefix = scheme == Scheme.BEARER ? "bearer " : "basic ";
    if (authorization.length() <= prefix.length()
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    String credentials = authorization.substring(prefix.length()).strip();
    byte[] presented;
    if (scheme == Scheme.BEARER) {
      presented = credentials.getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        presented = Base64.getDecoder().decode(credentials);
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
    }
    return MessageDigest.isEqual(presented, secret.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The {@code WWW-Authenticate} challenge a 401 carries.
   *
   * @return e.g. {@code Bearer realm="stormwatch"}; empty for {@link Scheme#NONE}
   */
  public String challenge() {
    return switch (scheme) {
      case NONE -> "";
      case BEARER -> "Bearer realm=\"" + REALM + "\"";
      case BASIC -> "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";
    };
  }

  @Override
  public String toString() {
    return scheme == Scheme.NONE ? "none" : scheme.name().toLowerCase(Locale.ROOT) + ":****";
  }
}
