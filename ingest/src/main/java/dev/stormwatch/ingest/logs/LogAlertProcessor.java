package dev.stormwatch.ingest.logs;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.ingest.logs.InternalSerdes.RateBucket;
import dev.stormwatch.ingest.logs.LogRulesConfig.PatternRule;
import dev.stormwatch.ingest.logs.LogRulesConfig.RateRule;
import dev.stormwatch.ingest.logs.TrackedAlert.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the log rules over entries keyed by service. Decisions use record time (the entry's
 * event time) and stream-time punctuation only. The alert lifecycle itself is
 * {@link TrackedAlert}'s; this class reads and writes the stores and forwards the events.
 */
final class LogAlertProcessor implements Processor<String, LogEntry, String, AlertEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(LogAlertProcessor.class);
  static final String METRIC_SCOPE = "stormwatch-logs";
  static final String CAP_HIT_OPERATION = "log-alert-cap-hit";

  private final LogRulesConfig config;
  private final ExceptionFingerprint fingerprinter;

  private ProcessorContext<String, AlertEvent> context;
  private WindowStore<String, RateBucket> windows;
  private KeyValueStore<String, TrackedAlert> alerts;
  private Sensor capHits;
  private long tracked;
  private long capHitsSinceReport;

  LogAlertProcessor(LogRulesConfig config) {
    this.config = config;
    this.fingerprinter = config.exceptions().fingerprint();
  }

  @Override
  public void init(ProcessorContext<String, AlertEvent> context) {
    this.context = context;
    this.windows = context.getStateStore(LogTopologyNames.RATE_WINDOWS_STORE);
    this.alerts = context.getStateStore(LogTopologyNames.ALERT_STATE_STORE);
    this.capHits = context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId().toString(),
        CAP_HIT_OPERATION, Sensor.RecordingLevel.INFO);
    long count = 0;
    try (KeyValueIterator<String, TrackedAlert> it = alerts.all()) {
      while (it.hasNext()) {
        it.next();
        count++;
      }
    }
    this.tracked = count;
    context.schedule(config.resolveCheckInterval(), PunctuationType.STREAM_TIME, this::resolveQuiet);
  }

  @Override
  public void process(Record<String, LogEntry> record) {
    LogEntry entry = record.value();
    if (entry == null) {
      return;
    }
    long t = record.timestamp();
    String service = entry.service();
    for (RateRule rule : config.rateRules()) {
      if (entry.severity().ordinal() >= rule.minSeverity().ordinal()) {
        rate(rule, service, entry, t);
      }
    }
    for (PatternRule rule : config.patternRules()) {
      if (rule.matches(entry)) {
        track(Kind.PATTERN, rule.name(), service, null, rule.name(), rule.severity(), entry.level(), entry, t,
            rule.window(), rule.quiet(), TrackedAlert.stackHead(entry.stackTrace()));
      }
    }
    LogRulesConfig.ExceptionRule exceptions = config.exceptions();
    if (exceptions.applies(entry)) {
      String type = entry.exceptionType() != null ? entry.exceptionType() : "unknown exception";
      String fp = fingerprinter.of(type, entry.stackTrace());
      track(Kind.EXCEPTION, LogRulesConfig.ExceptionRule.RULE_NAME, service, fp, type, exceptions.severity(),
          entry.level(), entry, t, exceptions.window(), exceptions.quiet(),
          TrackedAlert.stackHead(entry.stackTrace()));
    }
  }

  private void rate(RateRule rule, String service, LogEntry entry, long t) {
    long bucketMs = rule.bucket().toMillis();
    long bucketStart = t - Math.floorMod(t, bucketMs);
    String windowKey = rule.name() + '\u001f' + service;
    RateBucket bucket = windows.fetch(windowKey, bucketStart);
    windows.put(windowKey, bucket == null ? new RateBucket(1, t) : bucket.add(t), bucketStart);

    String key = TrackedAlert.key(service, Kind.RATE, rule.name(), null);
    TrackedAlert firing = resolveIfQuiet(key, t);
    if (firing != null) {
      update(key, firing.observe(t, entry), t);
      return;
    }
    long from = Math.max(0, bucketStart - rule.window().toMillis() + bucketMs);
    long count = 0;
    long first = t;
    try (WindowStoreIterator<RateBucket> it = windows.fetch(windowKey, Instant.ofEpochMilli(from),
        Instant.ofEpochMilli(bucketStart))) {
      while (it.hasNext()) {
        KeyValue<Long, RateBucket> kv = it.next();
        count += kv.value.count();
        first = Math.min(first, kv.value.first());
      }
    }
    if (count < rule.threshold()) {
      return;
    }
    String description = "Rule " + rule.name() + ": at least " + rule.threshold() + " logs at " + rule.levelLabel()
        + " or worse within " + TrackedAlert.human(rule.window()) + " on " + service + ". Latest: "
        + LogParser.firstLine(entry.message());
    TrackedAlert opened = TrackedAlert.open(Kind.RATE, rule.name(), service, null, rule.name(), rule.severity(),
        rule.levelLabel(), entry, first, t, count, rule.window(), rule.quiet(), description);
    open(key, opened, t);
  }

  private void track(Kind kind, String rule, String service, String exceptionFp, String name,
                     dev.stormwatch.avro.Severity severity, String level, LogEntry entry, long t, Duration window,
                     Duration quiet, String description) {
    String key = TrackedAlert.key(service, kind, rule, exceptionFp);
    TrackedAlert firing = resolveIfQuiet(key, t);
    if (firing != null) {
      update(key, firing.observe(t, entry), t);
      return;
    }
    open(key, TrackedAlert.open(kind, rule, service, exceptionFp, name, severity, level, entry, t, t, 1, window,
        quiet, description), t);
  }

  /** The firing alert under {@code key}, or null; an alert that went quiet before {@code t} is resolved first. */
  private TrackedAlert resolveIfQuiet(String key, long t) {
    TrackedAlert firing = alerts.get(key);
    if (firing != null && firing.quietAt(t)) {
      forward(firing.resolved(t), t);
      alerts.delete(key);
      tracked--;
      return null;
    }
    return firing;
  }

  private void update(String key, TrackedAlert alert, long t) {
    if (alert.refreshDue(t)) {
      alert = alert.emitted(t);
      forward(alert.firing(t), t);
    }
    alerts.put(key, alert);
  }

  private void open(String key, TrackedAlert alert, long t) {
    if (tracked >= config.maxAlerts()) {
      capHit("max-alerts", config.maxAlerts(), alert);
      return;
    }
    long ofService = 0;
    try (KeyValueIterator<String, TrackedAlert> it = alerts.prefixScan(TrackedAlert.servicePrefix(alert.service()),
        new StringSerializer())) {
      while (it.hasNext() && ofService < config.maxAlertsPerService()) {
        it.next();
        ofService++;
      }
    }
    if (ofService >= config.maxAlertsPerService()) {
      capHit("max-alerts-per-service", config.maxAlertsPerService(), alert);
      return;
    }
    alerts.put(key, alert);
    tracked++;
    forward(alert.firing(t), t);
  }

  private void capHit(String cap, int limit, TrackedAlert dropped) {
    capHits.record();
    if (capHitsSinceReport++ == 0) {
      LOG.warn("log alert cap hit: event=log_alert_cap_hit cap={} limit={} service={} kind={} rule={} name={}"
              + " (further hits are counted in metric {}-total and reported at the next resolve check)",
          cap, limit, dropped.service(), dropped.kind(), dropped.rule(), dropped.name(), CAP_HIT_OPERATION);
    }
  }

  private void resolveQuiet(long streamTime) {
    List<KeyValue<String, TrackedAlert>> quiet = new ArrayList<>();
    try (KeyValueIterator<String, TrackedAlert> it = alerts.all()) {
      while (it.hasNext()) {
        KeyValue<String, TrackedAlert> kv = it.next();
        if (kv.value != null && kv.value.quietAt(streamTime)) {
          quiet.add(kv);
        }
      }
    }
    for (KeyValue<String, TrackedAlert> kv : quiet) {
      forward(kv.value.resolved(streamTime), streamTime);
      alerts.delete(kv.key);
      tracked--;
    }
    if (capHitsSinceReport > 1) {
      LOG.warn("log alert cap hit: event=log_alert_cap_hit_summary dropped_since_last_report={} tracked={}"
          + " max_alerts={} max_alerts_per_service={}", capHitsSinceReport, tracked, config.maxAlerts(),
          config.maxAlertsPerService());
    }
    capHitsSinceReport = 0;
  }

  private void forward(AlertEvent event, long timestamp) {
    context.forward(new Record<>(event.getFingerprint(), event, timestamp));
  }

  @Override
  public void close() {
    if (capHits != null) {
      context.metrics().removeSensor(capHits);
    }
  }
}
