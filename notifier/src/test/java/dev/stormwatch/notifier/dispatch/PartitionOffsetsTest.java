package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

  private final PartitionOffsets offsets = new PartitionOffsets(new TopicPartition("pages.outbox", 0));

  @Test
  void commitsUpToTheFirstPageStillInFlight() {
    offsets.track(10);
    offsets.track(11);
    offsets.track(12);
    offsets.done(11);
    offsets.done(12);

    assertThat(offsets.committable()).isEqualTo(OptionalLong.of(10));

    offsets.committed(10);
    assertThat(offsets.committable()).isEmpty();

    offsets.done(10);
    assertThat(offsets.committable()).isEqualTo(OptionalLong.of(13));
  }

  @Test
  void nothingTrackedNothingToCommit() {
    assertThat(offsets.committable()).isEmpty();
  }

  @Test
  void aRewindForgetsTheRecordAndEverythingAfterIt() {
    offsets.track(5);
    offsets.done(5);
    offsets.track(6);
    offsets.track(7);

    offsets.rewind(6);

    assertThat(offsets.pending()).isZero();
    assertThat(offsets.committable()).isEqualTo(OptionalLong.of(6));
  }

  @Property(seed = "20260301")
  void theCommittedOffsetNeverPassesAPageNotDone(@ForAll @IntRange(min = 1, max = 60) int count,
                                                 @ForAll long seed) {
    PartitionOffsets p = new PartitionOffsets(new TopicPartition("t", 0));
    List<Long> order = new ArrayList<>();
    for (long o = 100; o < 100 + count; o++) {
      p.track(o);
      order.add(o);
    }
    Collections.shuffle(order, new Random(seed));
    List<Long> done = new ArrayList<>();
    for (long o : order) {
      p.done(o);
      done.add(o);
      OptionalLong c = p.committable();
      if (c.isPresent()) {
        // every offset below the commit is done
        for (long below = 100; below < c.getAsLong(); below++) {
          assertThat(done).contains(below);
        }
        p.committed(c.getAsLong());
      }
    }
    assertThat(p.pending()).isZero();
  }
}
