package dev.stormwatch.common.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A {@link BinaryDecoder} over one in-memory payload that refuses a string or bytes length, or an
 * array or map block count, larger than what is left of the payload <em>before</em> anything is
 * allocated for it. Avro allocates first (a byte array of the length, a collection pre-sized to the
 * count), so a corrupt prefix in a poison record (up to 2^31) would end in an {@link
 * OutOfMemoryError} instead of an exception the dead-letter path can handle.
 *
 * <p>Binary strings and bytes are a zig-zag long length followed by raw bytes, so they are read
 * here as {@code readLong} + {@code readFixed}. Counts are only checked when every item takes at
 * least one byte ({@link #everyItemTakesAByte}); an array of nulls may legitimately hold more items
 * than bytes. Everything else is delegated. Not thread-safe: one per thread, re-targeted with
 * {@link #wrap}.
 */
final class BoundedDecoder extends Decoder {

  private BinaryDecoder in;
  private boolean countsBounded;
  private final Utf8 scratch = new Utf8();

  /**
   * Points this decoder at {@code in}, which must read from a byte array.
   *
   * @param countsBounded whether to check block counts against the bytes left
   */
  BoundedDecoder wrap(BinaryDecoder in, boolean countsBounded) {
    this.in = in;
    this.countsBounded = countsBounded;
    return this;
  }

  /**
   * Whether every array item and map entry of {@code schema} takes at least one byte: true unless
   * some array's items can be encoded in zero bytes (null, a zero-size fixed, a record of such
   * fields; recursive records are assumed to possibly be empty). Map entries always have a key.
   */
  static boolean everyItemTakesAByte(Schema schema) {
    return !hasArrayOfPossiblyEmptyItems(schema, new HashSet<>());
  }

  private static boolean hasArrayOfPossiblyEmptyItems(Schema s, Set<String> seen) {
    switch (s.getType()) {
      case ARRAY:
        return canBeEmpty(s.getElementType(), new HashSet<>())
            || hasArrayOfPossiblyEmptyItems(s.getElementType(), seen);
      case MAP:
        return hasArrayOfPossiblyEmptyItems(s.getValueType(), seen);
      case UNION:
        for (Schema branch : s.getTypes()) {
          if (hasArrayOfPossiblyEmptyItems(branch, seen)) {
            return true;
          }
        }
        return false;
      case RECORD:
        if (!seen.add(s.getFullName())) {
          return false;
        }
        for (Schema.Field f : s.getFields()) {
          if (hasArrayOfPossiblyEmptyItems(f.schema(), seen)) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  private static boolean canBeEmpty(Schema s, Set<String> seen) {
    switch (s.getType()) {
      case NULL:
        return true;
      case FIXED:
        return s.getFixedSize() == 0;
      case RECORD:
        if (!seen.add(s.getFullName())) {
          return true; // recursive: be conservative
        }
        for (Schema.Field f : s.getFields()) {
          if (!canBeEmpty(f.schema(), seen)) {
            return false;
          }
        }
        return true;
      default:
        return false; // every other type writes at least a varint
    }
  }

  private long count(long count) throws IOException {
    if (countsBounded && count > 0) {
      int remaining = in.inputStream().available();
      if (count > remaining) {
        throw new EOFException("block count " + count + " exceeds the " + remaining + " bytes left");
      }
    }
    return count;
  }

  private int length() throws IOException {
    long length = in.readLong();
    if (length < 0) {
      throw new IOException("negative length " + length);
    }
    int remaining = in.inputStream().available();
    if (length > remaining) {
      throw new EOFException("length " + length + " exceeds the " + remaining + " bytes left");
    }
    return (int) length;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = length();
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    if (length > 0) {
      in.readFixed(result.getBytes(), 0, length);
    }
    return result;
  }

  @Override
  public String readString() throws IOException {
    int length = length();
    if (length == 0) {
      return "";
    }
    scratch.setByteLength(length);
    in.readFixed(scratch.getBytes(), 0, length);
    return new String(scratch.getBytes(), 0, length, StandardCharsets.UTF_8);
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(length());
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = length();
    ByteBuffer result;
    if (old != null && length <= old.capacity() && old.hasArray()) {
      result = old;
      result.clear();
    } else {
      result = ByteBuffer.allocate(length);
    }
    in.readFixed(result.array(), result.arrayOffset() + result.position(), length);
    result.limit(length);
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(length());
  }

  // ---- delegated ---------------------------------------------------------------------------

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return count(in.readArrayStart());
  }

  @Override
  public long arrayNext() throws IOException {
    return count(in.arrayNext());
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return count(in.readMapStart());
  }

  @Override
  public long mapNext() throws IOException {
    return count(in.mapNext());
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
