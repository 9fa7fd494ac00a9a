package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.notifier.escalation.EscalationDecision;
import dev.stormwatch.notifier.escalation.EscalationEngine;
import dev.stormwatch.notifier.escalation.EscalationState;
import dev.stormwatch.notifier.escalation.PageRecipient;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident-keyed stage: keeps each incident's {@link EscalationState} and emits what
 * {@link EscalationEngine} decides, keyed by destination for the bundling stage. Escalation events
 * and commands are decided at their record time; a wall-clock punctuator range-scans the
 * time-indexed {@code notifier-escalation-deadlines} store for what is due (level timeouts,
 * expiries), with the punctuation timestamp as the clock. Every state has exactly one entry in that
 * index, so every state leaves the store in the end.
 */
final class EscalateProcessor implements Processor<String, NotifierInput, String, PageRequest> {

  private static final Logger log = LoggerFactory.getLogger(EscalateProcessor.class);
  /** The most deadlines handled by one punctuation; the rest wait for the next. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;

  private final EscalationEngine engine;
  private final OnCallView view;
  private final NotifierMetrics metrics;
  private final Duration punctuateEvery;
  private ProcessorContext<String, PageRequest> context;
  private KeyValueStore<String, EscalationState> states;
  private KeyValueStore<String, String> deadlines;
  private KeyValueStore<String, OnCallEntry> oncall;
  private KeyValueStore<String, ServiceNode> services;

  EscalateProcessor(EscalationEngine engine, OnCallView view, NotifierMetrics metrics, Duration punctuateEvery) {
    this.engine = engine;
    this.view = view;
    this.metrics = metrics;
    this.punctuateEvery = punctuateEvery;
  }

  @Override
  public void init(ProcessorContext<String, PageRequest> context) {
    this.context = context;
    states = context.getStateStore(NotifierStores.ESCALATIONS);
    deadlines = context.getStateStore(NotifierStores.ESCALATION_DEADLINES);
    oncall = context.getStateStore(NotifierStores.ONCALL);
    services = context.getStateStore(NotifierStores.TOPOLOGY);
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, NotifierInput> record) {
    String id = record.key();
    Optional<EscalationState> current = Optional.ofNullable(states.get(id));
    Instant now = Instant.ofEpochMilli(record.timestamp());
    EscalationDecision d;
    if (record.value() instanceof NotifierInput.Escalation e) {
      d = engine.onEvent(current, e.event(), config(), name -> Optional.ofNullable(services.get(name)), now);
      log(id, "escalation " + e.event().getId(), d);
    } else if (record.value() instanceof NotifierInput.Command c) {
      d = engine.onCommand(current, c.command(), now);
      log(id, "command " + c.command().getId() + " (" + c.command().getKind() + ")", d);
    } else {
      return;
    }
    apply(id, current, d, record.timestamp());
  }

  private OnCallConfig config() {
    return view.config(oncall);
  }

  private void punctuate(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(null, NotifierStores.deadlineKey(now, "~"))) {
      while (it.hasNext() && due.size() < MAX_DUE_PER_PUNCTUATION) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, String> entry : due) {
      String id = entry.value;
      EscalationState state = states.get(id);
      if (state == null || !entry.key.equals(NotifierStores.deadlineKey(state.deadline(), id))) {
        deadlines.delete(entry.key); // a leftover of a state that moved on
        continue;
      }
      EscalationDecision d = engine.onDeadline(state, config(), now);
      log(id, "deadline", d);
      if (metrics.timeouts(d.outcome()) != null) {
        metrics.timeouts(d.outcome()).increment();
      }
      apply(id, Optional.of(state), d, timestamp);
    }
  }

  /** Stores the decided state with its deadline entry (or removes both), and emits its pages. */
  private void apply(String id, Optional<EscalationState> before, EscalationDecision d, long timestamp) {
    metrics.escalations(d.outcome()).increment();
    d.state().ifPresent(s -> capped(id, s, d.pages()));
    NotifierStores.save(states, deadlines, id, before, d.state(), EscalationState::deadline);
    for (PageRequest page : d.pages()) {
      metrics.requested(page);
      context.forward(new Record<>(PageRecipient.fromAvro(page.getRecipient()).key(), page, timestamp));
    }
    if (!d.pages().isEmpty()) {
      // the next stage reads pages committed: commit after this loop, not at the next interval
      context.commit();
    }
  }

  /** Counts and logs pages whose destination the state could not remember (the cap was reached). */
  private void capped(String id, EscalationState s, List<PageRequest> pages) {
    if (s.paged().size() < engine.settings().maxPagedPerIncident()) {
      return;
    }
    long forgotten = pages.stream().filter(p -> p.getAction() == PageAction.TRIGGER)
        .filter(p -> s.paged().stream().noneMatch(r -> r.dedupKey().equals(p.getDedupKey()))).count();
    if (forgotten > 0) {
      metrics.caps(NotifierMetrics.Cap.PAGED_PER_INCIDENT).increment(forgotten);
      log.warn("notifier cap reached: cap=paged_per_incident incident={} remembered={} forgotten={} (these"
          + " destinations get no acknowledge or resolve notification)", id, s.paged().size(), forgotten);
    }
  }

  private static void log(String id, String input, EscalationDecision d) {
    switch (d.outcome()) {
      case NOT_DUE -> { }
      case DUPLICATE, IGNORED, UPDATED -> log.debug("{}: {}: {} ({})", id, input, d.outcome(), d.reason());
      case UNROUTED -> log.warn("{}: {}: {} ({})", id, input, d.outcome(), d.reason());
      default -> log.info("{}: {}: {}, {} page request(s) ({})", id, input, d.outcome(), d.pages().size(),
          d.reason());
    }
  }
}
