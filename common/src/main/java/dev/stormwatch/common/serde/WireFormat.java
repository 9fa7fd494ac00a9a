package dev.stormwatch.common.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte {@code 0}, the 4-byte big-endian schema id, then the
 * Avro binary encoding of the datum.
 */
public final class WireFormat {

  public static final byte MAGIC_BYTE = 0;
  /** Magic byte plus schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Writes the 5-byte header for {@code schemaId} into {@code buf} at {@code offset}. */
  public static void writeHeader(byte[] buf, int offset, int schemaId) {
    buf[offset] = MAGIC_BYTE;
    buf[offset + 1] = (byte) (schemaId >>> 24);
    buf[offset + 2] = (byte) (schemaId >>> 16);
    buf[offset + 3] = (byte) (schemaId >>> 8);
    buf[offset + 4] = (byte) schemaId;
  }

  /**
   * The schema id of a wire-format payload.
   *
   * @throws SerializationException naming {@code topic} when the payload is shorter than the
   *     header or its magic byte is not 0
   */
  public static int schemaId(String topic, byte[] payload) {
    if (payload.length < HEADER_SIZE) {
      throw new SerializationException("Record from topic '" + topic + "' has " + payload.length
          + " bytes, fewer than the " + HEADER_SIZE + "-byte header of the Confluent wire format");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new SerializationException("Record from topic '" + topic + "' starts with magic byte "
          + payload[0] + ", not " + MAGIC_BYTE + ": not in the Confluent wire format");
    }
    return ((payload[1] & 0xff) << 24) | ((payload[2] & 0xff) << 16)
        | ((payload[3] & 0xff) << 8) | (payload[4] & 0xff);
  }
}
