package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.notifier.channel.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring one-click links that acknowledge or resolve an incident from a page.
 *
 * <p>A token is {@code base64url(payload) "." base64url(HMAC-SHA256(secret, payload))}, both without
 * padding. The payload is UTF-8 text, fields separated by {@code '\n'}:
 * {@code 1 \n ack|resolve \n <incident id> \n <recipient id> \n <expiry, epoch seconds>}. The first
 * field is the format version. The links are {@code <public url>/ack/<token>} and
 * {@code <public url>/resolve/<token>}; the path must name the token's own action.
 *
 * <p>{@link #verify} never throws on any input: it checks the length and the shape, then the MAC in
 * constant time ({@link MessageDigest#isEqual}), and only then reads the payload and the expiry. A
 * token is valid until its expiry (exclusive). The id of the command a token writes is derived
 * from the token ({@link #commandId}), so clicking twice writes the same command twice, which the
 * correlator and the notifier apply once.
 *
 * <p>Anyone holding a link can use it until it expires, like any bearer link in a mail: keep the
 * TTL short, serve the links over HTTPS, and rotate the secret to revoke every link at once.
 */
public final class AckLinks {

  /** The shortest accepted secret, in characters. */
  public static final int MIN_SECRET_LENGTH = 16;
  /** Tokens longer than this are rejected unread. */
  public static final int MAX_TOKEN_LENGTH = 1024;
  /** The longest incident or recipient id a token carries. */
  public static final int MAX_FIELD_LENGTH = 256;

  private static final String VERSION = "1";
  private static final String HMAC = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** What a link does. */
  public enum Action {
    /** Acknowledge the incident: escalation stops. */
    ACK,
    /** Resolve the incident. */
    RESOLVE;

    /** {@code ack} or {@code resolve}: the path segment and the payload field. */
    public String path() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The command it writes. */
    public CommandKind kind() {
      return this == ACK ? CommandKind.ACK : CommandKind.RESOLVE;
    }

    /** "Acknowledge" or "Resolve". */
    public String verb() {
      return this == ACK ? "Acknowledge" : "Resolve";
    }

    /** The action with this path segment, if any. */
    public static Optional<Action> ofPath(String path) {
      for (Action a : values()) {
        if (a.path().equals(path)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * What a token says.
   *
   * @param incidentId  the incident
   * @param action      acknowledge or resolve
   * @param recipientId who was paged with it: the command's actor
   * @param expiresAt   first instant it no longer works (whole seconds)
   */
  public record Claim(String incidentId, Action action, String recipientId, Instant expiresAt) {

    /** Validates. */
    public Claim {
      field(incidentId, "incidentId");
      Objects.requireNonNull(action, "action");
      field(recipientId, "recipientId");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    private static void field(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank() || value.length() > MAX_FIELD_LENGTH || value.indexOf('\n') >= 0
          || value.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(name + " must be 1-" + MAX_FIELD_LENGTH
            + " characters without line breaks");
      }
    }
  }

  /** Why a token was refused. */
  public enum Why {
    /** Not a token at all: wrong shape, length, encoding or version. */
    MALFORMED,
    /** Well-formed, but the MAC does not match: forged, altered or signed with another secret. */
    FORGED,
    /** Genuine, but past its expiry. */
    EXPIRED
  }

  /** The result of {@link #verify}. */
  public sealed interface Verdict permits Valid, Rejected {}

  /**
   * A genuine, unexpired token.
   *
   * @param claim what it says
   */
  public record Valid(Claim claim) implements Verdict {}

  /**
   * A refused token.
   *
   * @param why    the class of refusal
   * @param reason one line for the person who clicked
   */
  public record Rejected(Why why, String reason) implements Verdict {}

  private final URI publicUrl;
  private final SecretKeySpec key;
  private final Duration ttl;

  /**
   * @param publicUrl where people reach the notifier API (the links' base), http(s)
   * @param secret    the HMAC key, at least {@value #MIN_SECRET_LENGTH} characters
   * @param ttl       how long a link works after the page was requested; positive
   */
  public AckLinks(URI publicUrl, Secret secret, Duration ttl) {
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(ttl, "ttl");
    String scheme = publicUrl.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || publicUrl.getHost() == null) {
      throw new IllegalArgumentException("the public URL must be an absolute http(s) URL");
    }
    if (secret.value().length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("the link secret must have at least " + MIN_SECRET_LENGTH + " characters");
    }
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("the link TTL must be positive, was " + ttl);
    }
    String base = publicUrl.toString();
    this.publicUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.key = new SecretKeySpec(secret.value().getBytes(StandardCharsets.UTF_8), HMAC);
    this.ttl = ttl;
  }

  /** The links' base URL, without a trailing slash. */
  public URI publicUrl() {
    return publicUrl;
  }

  /** How long a link works after the page it came with was requested. */
  public Duration ttl() {
    return ttl;
  }

  /** The token for {@code claim}. */
  public String token(Claim claim) {
    String payload = String.join("\n", VERSION, claim.action().path(), claim.incidentId(), claim.recipientId(),
        Long.toString(claim.expiresAt().getEpochSecond()));
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
  }

  /**
   * The claim of a link minted at {@code issuedAt}: it expires {@link #ttl()} later, rounded up to
   * the second.
   */
  public Claim claim(String incidentId, Action action, String recipientId, Instant issuedAt) {
    Instant expiry = issuedAt.plus(ttl);
    Instant whole = Instant.ofEpochSecond(expiry.getEpochSecond() + (expiry.getNano() > 0 ? 1 : 0));
    return new Claim(incidentId, action, recipientId, whole);
  }

  /** The URL of {@code token}: {@code <public url>/<action>/<token>}. */
  public URI url(Claim claim) {
    return URI.create(publicUrl + "/" + claim.action().path() + "/" + token(claim));
  }

  /**
   * An Avro link for a page: kind {@code OTHER}, the URL of a fresh token, and {@code title}
   * ("Acknowledge", "Resolve", ...).
   */
  public Link link(Claim claim, String title) {
    return Link.newBuilder().setKind(LinkKind.OTHER).setUrl(url(claim).toString()).setTitle(title).build();
  }

  /** Checks {@code token} at {@code now}; never throws. */
  public Verdict verify(String token, Instant now) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return new Rejected(Why.MALFORMED, "this is not a Stormwatch link (bad length)");
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
      return new Rejected(Why.MALFORMED, "this is not a Stormwatch link (bad shape)");
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = DECODER.decode(token.substring(0, dot));
      signature = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return new Rejected(Why.MALFORMED, "this is not a Stormwatch link (bad encoding)");
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) {
      return new Rejected(Why.FORGED, "this link was not signed by this Stormwatch (altered, or the secret changed)");
    }
    String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
    if (fields.length != 5 || !VERSION.equals(fields[0])) {
      return new Rejected(Why.MALFORMED, "this link has a format this Stormwatch does not know");
    }
    Optional<Action> action = Action.ofPath(fields[1]);
    long expiry;
    try {
      expiry = Long.parseLong(fields[4]);
    } catch (NumberFormatException e) {
      return new Rejected(Why.MALFORMED, "this link has a format this Stormwatch does not know");
    }
    Claim claim;
    try {
      claim = new Claim(fields[2], action.orElseThrow(() -> new IllegalArgumentException("action")), fields[3],
          Instant.ofEpochSecond(expiry));
    } catch (RuntimeException e) {
      return new Rejected(Why.MALFORMED, "this link has a format this Stormwatch does not know");
    }
    if (!now.isBefore(claim.expiresAt())) {
      return new Rejected(Why.EXPIRED, "this link expired at " + claim.expiresAt() + "; "
          + claim.action().verb().toLowerCase(Locale.ROOT) + " the incident from the pager, the console or the API");
    }
    return new Valid(claim);
  }

  /**
   * The id of the command a token writes: {@code link-} + the first 128 bits of SHA-256 of the
   * token, in hex. Deterministic, so a double click writes one command id twice.
   */
  public static String commandId(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return "link-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "AckLinks[" + publicUrl + ", ttl " + ttl + ", secret ****]";
  }
}
