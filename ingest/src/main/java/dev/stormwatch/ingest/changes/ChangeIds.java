package dev.stormwatch.ingest.changes;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.Link;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ids of changes whose sender gave none, derived from their content so that a retried request
 * (same body) gets the same id: {@value #PREFIX} and 32 hex digits (128 bits) of a SHA-256 over
 * service, kind, summary, version, author, environment, links and labels (sorted), and the time
 * only when the sender gave one. The receive time, the id and the origin are left out. Two
 * identical changes without a time are therefore one change; senders tell them apart by giving
 * {@code time} or {@code id}.
 */
public final class ChangeIds {

  /** Prefix of every derived id. */
  public static final String PREFIX = "chg-";

  private ChangeIds() {
  }

  /**
   * The id a change gets when its sender gave none.
   *
   * @param change    the normalized change (its {@code id} and {@code origin} are ignored)
   * @param timeGiven whether the sender gave the time (else it is the receive time and is left out)
   * @return e.g. {@code chg-3f2a...} (36 characters)
   */
  public static String derive(ChangeEvent change, boolean timeGiven) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    put(sha, change.getService());
    put(sha, change.getKind().name());
    put(sha, change.getSummary());
    put(sha, change.getVersion());
    put(sha, change.getAuthor());
    put(sha, change.getEnvironment());
    put(sha, Integer.toString(change.getLinks().size()));
    for (Link link : change.getLinks()) {
      put(sha, link.getKind().name());
      put(sha, link.getUrl());
      put(sha, link.getTitle());
    }
    Map<String, String> labels = new TreeMap<>(change.getLabels());
    put(sha, Integer.toString(labels.size()));
    labels.forEach((key, value) -> {
      put(sha, key);
      put(sha, value);
    });
    put(sha, timeGiven ? Long.toString(change.getTime().toEpochMilli()) : null);
    byte[] digest = sha.digest();
    return PREFIX + HexFormat.of().formatHex(digest, 0, 16);
  }

  /** Length-prefixed, so that no two field sequences hash alike; null differs from "". */
  private static void put(MessageDigest sha, String value) {
    if (value == null) {
      sha.update(new byte[] {0, 0, 0, 0, 0});
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    sha.update(new byte[] {1, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha.update(bytes);
  }
}
