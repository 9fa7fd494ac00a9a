package dev.stormwatch.common.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of the JVM: one shared block cache (index and filter
 * blocks included, at high priority) and one write-buffer manager charging memtables to that same
 * cache, so the total off-heap use of all stores stays near {@link #TOTAL_MEMORY_BYTES} however
 * many stores and partitions a storm creates (Kafka Streams' documented bounded-memory recipe).
 *
 * <p>Streams properties: {@link #TOTAL_MEMORY_BYTES} (default 64 MiB) and
 * {@link #MEMTABLE_FRACTION} (default 0.5, the part of it memtables may take). The cache and the
 * manager are shared by every store of the JVM, so they are created once, from the first store's
 * settings: the one deliberate static of this code base, because Kafka Streams instantiates a
 * config setter per store and RocksDB needs one cache object to bound them all.
 */
public final class BoundedRocksDbConfigSetter implements RocksDBConfigSetter {

  /** Streams property: total bytes for block cache plus memtables of all stores in this JVM. */
  public static final String TOTAL_MEMORY_BYTES = "stormwatch.rocksdb.total.memory.bytes";
  /** Streams property: fraction of the total that memtables may take. */
  public static final String MEMTABLE_FRACTION = "stormwatch.rocksdb.memtable.fraction";

  static final long DEFAULT_TOTAL_MEMORY_BYTES = 64L * 1024 * 1024;
  static final double DEFAULT_MEMTABLE_FRACTION = 0.5;

  /** The JVM-wide cache and write-buffer manager; created once, never replaced. */
  private static final class Shared {
    private static volatile Shared instance;
    final Cache cache;
    final WriteBufferManager writeBuffers;
    final long totalBytes;

    private Shared(long totalBytes, double memtableFraction) {
      this.totalBytes = totalBytes;
      this.cache = new LRUCache(totalBytes, -1, false, 0.1);
      this.writeBuffers = new WriteBufferManager((long) (totalBytes * memtableFraction), cache);
    }

    static Shared get(long totalBytes, double memtableFraction) {
      Shared shared = instance;
      if (shared == null) {
        synchronized (Shared.class) {
          shared = instance;
          if (shared == null) {
            shared = new Shared(totalBytes, memtableFraction);
            instance = shared;
          }
        }
      }
      return shared;
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long total = longValue(configs.get(TOTAL_MEMORY_BYTES), DEFAULT_TOTAL_MEMORY_BYTES);
    double fraction = doubleValue(configs.get(MEMTABLE_FRACTION), DEFAULT_MEMTABLE_FRACTION);
    Shared shared = Shared.get(total, fraction);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(shared.cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(shared.writeBuffers);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // the shared cache and write-buffer manager outlive any one store; nothing per store to free
  }

  private static long longValue(Object value, long fallback) {
    if (value == null) {
      return fallback;
    }
    long parsed = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
    if (parsed < 1024 * 1024) {
      throw new IllegalArgumentException(TOTAL_MEMORY_BYTES + " must be at least 1 MiB, got " + parsed);
    }
    return parsed;
  }

  private static double doubleValue(Object value, double fallback) {
    if (value == null) {
      return fallback;
    }
    double parsed = value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString().trim());
    if (!(parsed > 0 && parsed < 1)) {
      throw new IllegalArgumentException(MEMTABLE_FRACTION + " must be between 0 and 1, got " + parsed);
    }
    return parsed;
  }
}
