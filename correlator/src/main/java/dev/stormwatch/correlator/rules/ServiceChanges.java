package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.ChangeKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The recent changes of one service, oldest first, one per change id: the value of a store keyed by
 * service. Immutable and bounded: at most {@code max-changes-per-service} (the oldest drop first),
 * none older than the retention ({@code change-lookback + change-retention-margin}) before the
 * instant it was last updated at.
 *
 * <p>{@link #encode()} is compact binary (version 1): the service, then each change's fields, with
 * strings as modified UTF-8 and the kind by name.
 */
public final class ServiceChanges {

  private static final byte VERSION = 1;
  private static final Comparator<Change> ORDER = Comparator.comparing(Change::time).thenComparing(Change::id);

  private final String service;
  private final List<Change> changes;

  private ServiceChanges(String service, List<Change> changes) {
    this.service = service;
    this.changes = Collections.unmodifiableList(changes);
  }

  /** No changes on {@code service} yet. */
  public static ServiceChanges empty(String service) {
    return new ServiceChanges(Objects.requireNonNull(service, "service"), List.of());
  }

  /** The service. */
  public String service() {
    return service;
  }

  /** The changes, oldest first. */
  public List<Change> changes() {
    return changes;
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The changes with {@code from <= time <= to}, oldest first. */
  public List<Change> between(Instant from, Instant to) {
    return changes.stream().filter(c -> !c.time().isBefore(from) && !c.time().isAfter(to)).toList();
  }

  /**
   * With {@code change} added (replacing one with its id), without the changes older than
   * {@code retention} before {@code now}, and at most {@code cap} of them (the newest).
   *
   * @throws IllegalArgumentException when the change is on another service
   */
  public ServiceChanges with(Change change, Instant now, Duration retention, int cap) {
    if (!change.service().equals(service)) {
      throw new IllegalArgumentException("change " + change.id() + " is on " + change.service() + ", not " + service);
    }
    List<Change> next = new ArrayList<>(changes);
    next.removeIf(c -> c.id().equals(change.id()));
    next.add(change);
    next.sort(ORDER);
    return bounded(next, now, retention, cap);
  }

  /** Without the changes older than {@code retention} before {@code now}. */
  public ServiceChanges pruned(Instant now, Duration retention) {
    return bounded(new ArrayList<>(changes), now, retention, Integer.MAX_VALUE);
  }

  /** Whether {@code change} (by id and content) is kept. */
  public boolean contains(Change change) {
    return changes.contains(change);
  }

  private ServiceChanges bounded(List<Change> list, Instant now, Duration retention, int cap) {
    Instant oldest = now.minus(retention);
    list.removeIf(c -> c.time().isBefore(oldest));
    List<Change> kept = list.size() > cap ? new ArrayList<>(list.subList(list.size() - cap, list.size())) : list;
    return kept.equals(changes) ? this : new ServiceChanges(service, kept);
  }

  /** Compact binary form; {@link #decode} reads it back. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 96 * changes.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(service);
      out.writeInt(changes.size());
      for (Change c : changes) {
        out.writeUTF(c.id());
        out.writeUTF(c.kind().name());
        nullable(out, c.summary());
        nullable(out, c.version());
        nullable(out, c.author());
        nullable(out, c.environment());
        nullable(out, c.link());
        out.writeLong(c.time().toEpochMilli());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the changes of " + service, e);
    }
    return bytes.toByteArray();
  }

  /** @throws IllegalArgumentException when the bytes are not encoded changes of a known version */
  public static ServiceChanges decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte v = in.readByte();
      if (v != VERSION) {
        throw new IllegalArgumentException("unknown ServiceChanges encoding version " + v);
      }
      String service = in.readUTF();
      int n = in.readInt();
      if (n < 0 || n > bytes.length) {
        throw new IllegalArgumentException("corrupt ServiceChanges: " + n + " changes");
      }
      List<Change> changes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        String kindName = in.readUTF();
        ChangeKind kind;
        try {
          kind = ChangeKind.valueOf(kindName);
        } catch (IllegalArgumentException e) {
          kind = ChangeKind.OTHER;
        }
        changes.add(new Change(id, service, kind, nullable(in), nullable(in), nullable(in), nullable(in), nullable(in),
            Instant.ofEpochMilli(in.readLong())));
      }
      return new ServiceChanges(service, changes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not encoded ServiceChanges: " + e, e);
    }
  }

  private static void nullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String nullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceChanges s && service.equals(s.service) && changes.equals(s.changes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, changes);
  }

  @Override
  public String toString() {
    return "ServiceChanges{" + service + ": " + changes.size() + " changes}";
  }
}
