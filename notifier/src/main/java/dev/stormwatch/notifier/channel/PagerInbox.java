package dev.stormwatch.notifier.channel;

import dev.stormwatch.common.kafka.TopicTail;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devstack's pager inbox, readable: tails the inbox topic (written by {@link InboxChannel})
 * into a bounded in-memory list, one entry per dedup key, and renders it as JSON and as a small
 * HTML page. The integrator mounts it on the notifier's HTTP server:
 *
 * <pre>{@code
 * PagerInbox inbox = PagerInbox.start(bootstrapServers, clientOverrides, topics.pagerInbox(), 500);
 * app.get("/api/inbox", ctx -> ctx.contentType("application/json").result(inbox.json(ctx.queryParam("inbox"))));
 * app.get("/inbox", ctx -> ctx.html(inbox.html(ctx.queryParam("inbox"))));
 * }</pre>
 *
 * <p>On start it reads at most {@code capacity} records back from the end of each partition, so
 * start-up time and memory do not grow with the topic. A record that is not a page document is
 * skipped and counted ({@link #skipped()}). Thread-safe.
 */
public final class PagerInbox implements AutoCloseable {

  /** Default number of pages kept. */
  public static final int DEFAULT_CAPACITY = 500;

  private static final Logger log = LoggerFactory.getLogger(PagerInbox.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final int capacity;
  private TopicTail tail;

  // guarded by this: insertion order is arrival order
  private final LinkedHashMap<String, InboxPage> pages = new LinkedHashMap<>();
  private long skipped;

  private PagerInbox(String topic, int capacity) {
    this.topic = topic;
    this.capacity = capacity;
  }

  /**
   * Starts tailing {@code topic}.
   *
   * @param bootstrapServers the Kafka cluster
   * @param clientOverrides  client settings (security...) laid over the defaults; may be empty
   * @param topic            the inbox topic, {@code Topics.pagerInbox()}
   * @param capacity         pages kept, newest win
   */
  public static PagerInbox start(String bootstrapServers, Map<String, ?> clientOverrides, String topic,
                                 int capacity) {
    Objects.requireNonNull(topic, "topic");
    if (capacity < 1) {
      throw new IllegalArgumentException("inbox capacity must be at least 1, was " + capacity);
    }
    PagerInbox inbox = new PagerInbox(topic, capacity);
    // the newest pages only: at most capacity back from the end of each partition
    inbox.tail = TopicTail.start("pager inbox", bootstrapServers, clientOverrides, "stormwatch-pager-inbox", topic,
        (consumer, partitions) -> {
          Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
          Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
          for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - capacity));
          }
        }, record -> {
          inbox.accept(record);
          return true;
        }, Duration.ZERO, () -> { });
    return inbox;
  }

  /** Waits until the inbox has read what the topic held when it started; false on timeout. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return tail.awaitCaughtUp(timeout);
  }

  /** Every page kept, newest delivery first. */
  public List<InboxPage> pages() {
    return pages(null);
  }

  /** The pages of one inbox (recipient address), newest first; all pages when {@code inbox} is null or blank. */
  public synchronized List<InboxPage> pages(String inbox) {
    List<InboxPage> out = new ArrayList<>();
    for (InboxPage page : pages.values()) {
      if (inbox == null || inbox.isBlank() || inbox.equals(page.inbox())) {
        out.add(page);
      }
    }
    out.sort(Comparator.comparing(InboxPage::deliveredAt).reversed());
    return out;
  }

  /** Records skipped because they were not page documents. */
  public synchronized long skipped() {
    return skipped;
  }

  /** All pages as JSON: {@code {"pages": [...]}}, newest first. */
  public String json() {
    return json(null);
  }

  /**
   * The pages of one inbox (or all, when null) as JSON:
   * {@code {"pages": [{"dedupKey", "incidentId", "action", "inbox", "recipientId", "recipientName",
   * "severity", "urgency", "title", "body", "team", "rootCause", "links": [{"kind", "url", "title"}],
   * "requestedAt", "deliveredAt", "copies"}]}}, newest first, times in ISO-8601.
   */
  public String json(String inbox) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("pages");
    for (InboxPage page : pages(inbox)) {
      ObjectNode p = array.addObject();
      p.put("dedupKey", page.dedupKey());
      p.put("incidentId", page.incidentId());
      p.put("action", page.action());
      p.put("inbox", page.inbox());
      p.put("recipientId", page.recipientId());
      p.put("recipientName", page.recipientName());
      p.put("severity", page.severity());
      p.put("urgency", page.urgency());
      p.put("title", page.title());
      p.put("body", page.body());
      p.put("team", page.team());
      p.put("rootCause", page.rootCause());
      ArrayNode links = p.putArray("links");
      page.links().forEach(l -> links.addObject().put("kind", l.kind()).put("url", l.url()).put("title", l.title()));
      p.put("requestedAt", page.requestedAt() == null ? null : page.requestedAt().toString());
      p.put("deliveredAt", page.deliveredAt().toString());
      p.put("copies", page.copies());
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All pages as an HTML page. */
  public String html() {
    return html(null);
  }

  /** The pages of one inbox (or all, when null) as a self-contained HTML page that refreshes every 5 s. */
  public String html(String inbox) {
    List<InboxPage> list = pages(inbox);
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"5\"><title>Stormwatch pager inbox</title><style>")
        .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}")
        .append("td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}")
        .append(".critical{color:#b00020}.high{color:#d35400}.warning{color:#b7950b}")
        .append("pre{white-space:pre-wrap;margin:0}</style></head><body>")
        .append("<h1>Pager inbox").append(inbox == null || inbox.isBlank() ? "" : ": " + escape(inbox))
        .append("</h1><p>").append(list.size()).append(list.size() == 1 ? " page" : " pages").append("</p>");
    if (list.isEmpty()) {
      b.append("<p>No pages yet.</p>");
    } else {
      b.append("<table><tr><th>Delivered</th><th>Inbox</th><th>Severity</th><th>Page</th><th>Links</th></tr>");
      for (InboxPage page : list) {
        b.append("<tr><td>").append(escape(page.deliveredAt().toString())).append("</td><td>")
            .append(escape(nullToEmpty(page.inbox()))).append("<br>").append(escape(nullToEmpty(page.recipientId())))
            .append("</td><td class=\"").append(escape(nullToEmpty(page.severity()))).append("\">")
            .append(escape(nullToEmpty(page.severity()))).append("</td><td><strong>")
            .append(escape(nullToEmpty(page.action()))).append(": ").append(escape(nullToEmpty(page.title())))
            .append("</strong><br>Incident ").append(escape(page.incidentId()));
        if (page.copies() > 1) {
          b.append(" <em>(received ").append(page.copies()).append(" times, shown once)</em>");
        }
        b.append("<pre>").append(escape(nullToEmpty(page.body()))).append("</pre></td><td>");
        for (InboxPage.InboxLink link : page.links()) {
          b.append("<a href=\"").append(escape(link.url())).append("\">")
              .append(escape(link.title() != null ? link.title() : nullToEmpty(link.kind()))).append("</a><br>");
        }
        b.append("</td></tr>");
      }
      b.append("</table>");
    }
    return b.append("</body></html>").toString();
  }

  private void accept(ConsumerRecord<byte[], byte[]> record) {
    InboxPage page;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("empty value");
      }
      page = InboxPage.fromJson(JSON.readTree(record.value()), Instant.ofEpochMilli(record.timestamp()));
    } catch (IOException | IllegalArgumentException e) {
      synchronized (this) {
        skipped++;
      }
      log.debug("pager inbox: skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return;
    }
    synchronized (this) {
      InboxPage earlier = pages.get(page.dedupKey());
      if (earlier != null) {
        pages.put(page.dedupKey(), earlier.withAnotherCopy());
        return;
      }
      pages.put(page.dedupKey(), page);
      Iterator<String> eldest = pages.keySet().iterator();
      while (pages.size() > capacity && eldest.hasNext()) {
        eldest.next();
        eldest.remove();
      }
    }
  }

  /** Stops reading and closes the consumer. */
  @Override
  public void close() {
    tail.close();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
