package dev.stormwatch.common.serde;

import java.io.OutputStream;
import java.util.Arrays;

/** An unsynchronized, growable byte buffer (unlike {@link java.io.ByteArrayOutputStream}). */
final class WireBuffer extends OutputStream {
  private byte[] buf;
  private int count;

  WireBuffer(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  void reset() {
    count = 0;
  }

  /** Appends the 5-byte wire-format header. */
  void header(int schemaId) {
    ensure(WireFormat.HEADER_SIZE);
    WireFormat.writeHeader(buf, count, schemaId);
    count += WireFormat.HEADER_SIZE;
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  byte[] array() {
    return buf;
  }

  int size() {
    return count;
  }

  int capacity() {
    return buf.length;
  }

  private void ensure(int extra) {
    int needed = count + extra;
    if (needed < 0) {
      throw new OutOfMemoryError("record larger than 2 GiB");
    }
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }
}
