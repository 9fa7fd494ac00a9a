package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.bundle.BundleDecision;
import dev.stormwatch.notifier.escalation.EscalationDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The notifier's meters, on one injected registry, every label set bounded and pre-registered at
 * zero (STYLE habit 13).
 *
 * <ul>
 *   <li>{@code stormwatch_notifier_pages_total{urgency,level}}: pages requested (TRIGGER) by urgency and
 *       policy level ({@code 0}..{@code 3}, {@code 4+})</li>
 *   <li>{@code stormwatch_notifier_page_updates_total{action}}: acknowledge and resolve notifications</li>
 *   <li>{@code stormwatch_notifier_level_timeouts_total{outcome}}: level timeouts without an ack, by what
 *       followed ({@code next_level}, {@code repeated}, {@code exhausted})</li>
 *   <li>{@code stormwatch_notifier_escalations_total{outcome}}: every escalation decision
 *       ({@link EscalationDecision.Outcome})</li>
 *   <li>{@code stormwatch_notifier_bundles_total{outcome}}: bundling decisions ({@link BundleDecision.Outcome})</li>
 *   <li>{@code stormwatch_notifier_rejected_total{input}}: escalation events and commands dead-lettered</li>
 *   <li>{@code stormwatch_notifier_config_rejected_total}: on-call entries that could not be used</li>
 *   <li>{@code stormwatch_notifier_caps_total{cap}}: times a state bound was reached ({@link Cap})</li>
 * </ul>
 */
public final class NotifierMetrics {

  /** Levels with their own label; higher ones share {@code 4+}. */
  static final int LEVEL_LABELS = 4;

  /** What was dead-lettered. */
  public enum Input { ESCALATION, COMMAND }

  /** State bounds: a destination paged beyond {@code max-paged-per-incident} gets no follow-ups; a page held beyond {@code max-bundled-incidents} is only counted in its bundle. */
  public enum Cap { PAGED_PER_INCIDENT, BUNDLED_INCIDENTS }

  private final Map<Urgency, Counter[]> pages = new EnumMap<>(Urgency.class);
  private final Map<PageAction, Counter> updates = new EnumMap<>(PageAction.class);
  private final Map<EscalationDecision.Outcome, Counter> escalations = new EnumMap<>(EscalationDecision.Outcome.class);
  private final Map<EscalationDecision.Outcome, Counter> timeouts = new EnumMap<>(EscalationDecision.Outcome.class);
  private final Map<BundleDecision.Outcome, Counter> bundles = new EnumMap<>(BundleDecision.Outcome.class);
  private final Map<Input, Counter> rejected = new EnumMap<>(Input.class);
  private final Counter configRejected;
  private final Map<Cap, Counter> caps = new EnumMap<>(Cap.class);

  /** Registers every meter at zero. */
  public NotifierMetrics(MeterRegistry meters) {
    for (Urgency u : Urgency.values()) {
      Counter[] byLevel = new Counter[LEVEL_LABELS + 1];
      for (int l = 0; l <= LEVEL_LABELS; l++) {
        byLevel[l] = Counter.builder("stormwatch.notifier.pages").description("Pages requested (TRIGGER)")
            .tag("urgency", label(u)).tag("level", l < LEVEL_LABELS ? Integer.toString(l) : LEVEL_LABELS + "+")
            .register(meters);
      }
      pages.put(u, byLevel);
    }
    for (PageAction a : new PageAction[] {PageAction.ACKNOWLEDGE, PageAction.RESOLVE}) {
      updates.put(a, Counter.builder("stormwatch.notifier.page.updates")
          .description("Acknowledge and resolve notifications to paged destinations").tag("action", label(a))
          .register(meters));
    }
    for (EscalationDecision.Outcome o : EscalationDecision.Outcome.values()) {
      escalations.put(o, Counter.builder("stormwatch.notifier.escalations").description("Escalation decisions")
          .tag("outcome", label(o)).register(meters));
    }
    for (EscalationDecision.Outcome o : new EscalationDecision.Outcome[] {EscalationDecision.Outcome.NEXT_LEVEL,
        EscalationDecision.Outcome.REPEATED, EscalationDecision.Outcome.EXHAUSTED}) {
      timeouts.put(o, Counter.builder("stormwatch.notifier.level.timeouts")
          .description("Escalation levels that timed out without an ack, by what followed").tag("outcome", label(o))
          .register(meters));
    }
    for (BundleDecision.Outcome o : BundleDecision.Outcome.values()) {
      bundles.put(o, Counter.builder("stormwatch.notifier.bundles").description("Bundling decisions")
          .tag("outcome", label(o)).register(meters));
    }
    for (Input i : Input.values()) {
      rejected.put(i, Counter.builder("stormwatch.notifier.rejected")
          .description("Input records sent to the dead-letter topic").tag("input", label(i)).register(meters));
    }
    configRejected = Counter.builder("stormwatch.notifier.config.rejected")
        .description("On-call configuration entries that could not be used").register(meters);
    for (Cap c : Cap.values()) {
      caps.put(c, Counter.builder("stormwatch.notifier.caps").description("Times a state bound was reached")
          .tag("cap", label(c)).register(meters));
    }
  }

  /** Caps hit. */
  public Counter caps(Cap cap) {
    return caps.get(cap);
  }

  /** Counts a page request leaving the escalation stage. */
  public void requested(PageRequest page) {
    if (page.getAction() == PageAction.TRIGGER) {
      pages.get(page.getUrgency())[Math.max(0, Math.min(page.getLevel(), LEVEL_LABELS))].increment();
    } else if (updates.containsKey(page.getAction())) {
      updates.get(page.getAction()).increment();
    }
  }

  /** Escalation decisions. */
  public Counter escalations(EscalationDecision.Outcome outcome) {
    return escalations.get(outcome);
  }

  /** Level timeouts by what followed; null for an outcome that is not one. */
  public Counter timeouts(EscalationDecision.Outcome outcome) {
    return timeouts.get(outcome);
  }

  /** Bundling decisions. */
  public Counter bundles(BundleDecision.Outcome outcome) {
    return bundles.get(outcome);
  }

  /** Dead-lettered input. */
  public Counter rejected(Input input) {
    return rejected.get(input);
  }

  /** Unusable on-call entries. */
  public Counter configRejected() {
    return configRejected;
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
