package dev.stormwatch.ingest.normalize.prometheus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The fingerprint Prometheus and Alertmanager give a label set ({@code model.LabelSet.Fingerprint()}
 * in {@code prometheus/common}), so an alert Prometheus posted to us directly gets the same
 * fingerprint Alertmanager would have sent in its webhook.
 *
 * <p>The algorithm: FNV-1a 64-bit over the labels sorted by name (byte-wise on UTF-8, as Go sorts
 * strings), hashing for each label its name, the separator byte {@code 0xff}, its value and the
 * separator again; rendered as 16 lower-case hex digits. The empty label set hashes to the FNV-1a
 * offset basis, {@code cbf29ce484222325}.
 */
public final class LabelSetFingerprint {

  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final int SEPARATOR = 0xff;

  private LabelSetFingerprint() {
  }

  /** The fingerprint of {@code labels} as 16 lower-case hex digits. */
  public static String of(Map<String, String> labels) {
    return String.format("%016x", hash(labels));
  }

  /** The fingerprint of {@code labels} as the unsigned 64-bit value Go computes. */
  public static long hash(Map<String, String> labels) {
    byte[][] names = new byte[labels.size()][];
    String[] keys = labels.keySet().toArray(new String[0]);
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < keys.length; i++) {
      names[i] = keys[i].getBytes(StandardCharsets.UTF_8);
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(names[a], names[b]));
    long h = FNV_OFFSET_BASIS;
    for (int i : order) {
      h = add(h, names[i]);
      h = add(h, SEPARATOR);
      h = add(h, labels.get(keys[i]).getBytes(StandardCharsets.UTF_8));
      h = add(h, SEPARATOR);
    }
    return h;
  }

  private static long add(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = add(h, b & 0xff);
    }
    return h;
  }

  private static long add(long h, int octet) {
    return (h ^ octet) * FNV_PRIME;
  }
}
