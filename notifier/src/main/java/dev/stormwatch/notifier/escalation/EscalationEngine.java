package dev.stormwatch.notifier.escalation;

import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.escalation.EscalationDecision.Outcome;
import dev.stormwatch.notifier.escalation.EscalationState.IncidentInfo;
import dev.stormwatch.notifier.escalation.EscalationState.Paged;
import dev.stormwatch.notifier.escalation.EscalationState.Phase;
import dev.stormwatch.notifier.oncall.ContactMethod;
import dev.stormwatch.notifier.oncall.EscalationPolicy;
import dev.stormwatch.notifier.oncall.OnCall;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.Person;
import dev.stormwatch.notifier.routing.RouteDecision;
import dev.stormwatch.notifier.routing.Router;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * "Should we page now?" (STYLE habit 7): pure functions from an incident's escalation state, one
 * input and the clock (passed in) to the next state, the page requests to send and the reason.
 *
 * <ul>
 *   <li><b>OPENED / REOPENED / SEVERITY_RAISED</b> start an escalation, or continue the running one:
 *       the incident is {@link Router routed}; HIGH urgency pages level 0 of the policy, LOW urgency
 *       notifies the team's chat contact only. A REOPENED after a resolve starts a new cycle from
 *       level 0 (any other event of a resolved incident pages nobody); a SEVERITY_RAISED that turns LOW into HIGH urgency starts the policy.
 *       Otherwise an event only updates what pages say.</li>
 *   <li><b>Level timeout</b> ({@link #onDeadline}) without an ack pages the next level; after the
 *       last level the policy runs again, up to its repeat count; then nothing more is paged. Each
 *       level's targets are resolved when it is paged, so a schedule handoff during an open incident
 *       pages the new on-call person at the next level. A level that resolves to nobody is skipped
 *       at once.</li>
 *   <li><b>Ack</b> (IncidentCommand ACK or EscalationEvent ACKNOWLEDGED) stops further levels at once
 *       and sends an ACKNOWLEDGE to every destination paged; <b>resolve</b> (RESOLVE command or
 *       RESOLVED event) does the same with RESOLVE.</li>
 *   <li><b>Replays.</b> The ids of the latest inputs are kept in the state: an input seen before
 *       changes nothing and pages nobody. Every page has a deterministic {@link DedupKeys dedup key}.</li>
 *   <li><b>Bounded.</b> A resolved incident's state expires {@code retention} after the resolve, one
 *       that is open but not escalating {@code stale-after} after its last input.</li>
 * </ul>
 */
public final class EscalationEngine {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  private final NotifierSettings settings;

  /** An engine with these settings (retention, stale-after, caps). */
  public EscalationEngine(NotifierSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Applies an escalation event.
   *
   * @param current  the incident's state, if any
   * @param event    the event
   * @param config   the on-call configuration now
   * @param services the topology: a service's node by name
   * @param now      the clock (the record's time)
   */
  public EscalationDecision onEvent(Optional<EscalationState> current, EscalationEvent event, OnCallConfig config,
                                    Function<String, Optional<ServiceNode>> services, Instant now) {
    String id = event.getId();
    if (current.isPresent() && current.get().saw(id)) {
      return same(Outcome.DUPLICATE, current.get(), "escalation event " + id + " was applied before (a replay)");
    }
    switch (event.getKind()) {
      case OPENED, REOPENED, SEVERITY_RAISED, UPDATED -> {
        IncidentInfo info = IncidentInfo.of(event);
        if (current.isEmpty()) {
          if (event.getKind() == EscalationKind.UPDATED) {
            return none(Outcome.IGNORED, "UPDATED for an incident that never escalated here: nothing to page");
          }
          return start(event, info, config, services, 0, now);
        }
        EscalationState s = current.get().withIncident(info).seeing(id, now);
        switch (s.phase()) {
          case RESOLVED -> {
            if (event.getKind() == EscalationKind.REOPENED) {
              return start(event, info, config, services, s.cycle() + 1, now, s.seen());
            }
            return keep(Outcome.IGNORED, s, event.getKind() + " of a resolved incident (only a REOPENED pages"
                + " again): nothing to page");
          }
          case ACKNOWLEDGED -> {
            return keep(Outcome.UPDATED, refreshDeadline(s, now), "acknowledged by "
                + s.closedBy().orElse("someone") + ": " + event.getKind() + " pages nobody");
          }
          case CHAT, UNROUTED -> {
            RouteDecision route = Router.route(config, event, services);
            if (route.urgency() == Urgency.HIGH && (s.urgency() == Urgency.LOW || s.phase() == Phase.UNROUTED)
                && event.getKind() != EscalationKind.UPDATED) {
              return start(event, info, config, services, s.cycle(), now, s.seen(), s.paged());
            }
            return keep(Outcome.UPDATED, refreshDeadline(s, now), event.getKind() + ": still "
                + s.phase().name().toLowerCase(Locale.ROOT) + "; nothing more to page");
          }
          case EXHAUSTED -> {
            return keep(Outcome.UPDATED, refreshDeadline(s, now), event.getKind()
                + ": every level went unacknowledged already; nothing more to page");
          }
          default -> {
            return keep(Outcome.UPDATED, s, event.getKind() + ": escalation continues at level " + s.level()
                + " (pass " + s.repeat() + ")");
          }
        }
      }
      case ACKNOWLEDGED -> {
        return ack(current.map(s -> s.seeing(id, now)), "the correlator", now);
      }
      case RESOLVED -> {
        return resolve(current.map(s -> s.seeing(id, now)), "the correlator", now);
      }
      default -> {
        return current.isPresent()
            ? keep(Outcome.IGNORED, current.get().seeing(id, now), "escalation event of an unknown kind")
            : none(Outcome.IGNORED, "escalation event of an unknown kind");
      }
    }
  }

  /**
   * Applies a human's command: ACK and RESOLVE stop the escalation; the others do not concern paging.
   *
   * @param now the clock (the record's time)
   */
  public EscalationDecision onCommand(Optional<EscalationState> current, IncidentCommand command, Instant now) {
    String id = "command:" + command.getId();
    if (current.isPresent() && current.get().saw(id)) {
      return same(Outcome.DUPLICATE, current.get(), "command " + command.getId() + " was applied before (a replay)");
    }
    Optional<EscalationState> seen = current.map(s -> s.seeing(id, now));
    String actor = command.getActor() + (command.getVia() == null ? "" : " via " + command.getVia());
    if (command.getKind() == CommandKind.ACK) {
      return ack(seen, actor, now);
    }
    if (command.getKind() == CommandKind.RESOLVE) {
      return resolve(seen, actor, now);
    }
    String why = command.getKind() + " does not change paging (merges arrive as RESOLVED escalations)";
    return seen.map(s -> keep(Outcome.IGNORED, s, why)).orElseGet(() -> none(Outcome.IGNORED, why));
  }

  /**
   * The state's deadline, at {@code now} (a punctuation's timestamp): the next level when a level
   * timed out, or expiry.
   */
  public EscalationDecision onDeadline(EscalationState state, OnCallConfig config, Instant now) {
    if (now.isBefore(state.deadline())) {
      return same(Outcome.NOT_DUE, state, "due at " + CLOCK.format(state.deadline()));
    }
    if (state.phase() != Phase.ESCALATING) {
      return none(Outcome.EXPIRED, state.phase() == Phase.RESOLVED
          ? "resolved; retention of " + settings.retention() + " passed"
          : state.phase() + " and quiet for " + settings.staleAfter());
    }
    Optional<EscalationPolicy> policy = state.policy().flatMap(config::policy);
    if (policy.isEmpty()) {
      return keep(Outcome.EXHAUSTED, state.in(Phase.EXHAUSTED, now.plus(settings.staleAfter())),
          "level " + state.level() + " timed out but policy " + state.policy().orElse("(none)")
              + " is no longer configured: nothing more to page");
    }
    int level = state.level() + 1;
    int repeat = state.repeat();
    if (level >= policy.get().levels().size()) {
      level = 0;
      repeat++;
    }
    String timedOut = "level " + state.level() + " (pass " + state.repeat() + ") not acknowledged within "
        + policy.get().levels().get(Math.min(state.level(), policy.get().levels().size() - 1)).timeout();
    if (repeat > policy.get().repeats()) {
      return keep(Outcome.EXHAUSTED, state.in(Phase.EXHAUSTED, now.plus(settings.staleAfter())),
          timedOut + "; that was the last level of the last pass: nothing more to page");
    }
    Paging paging = page(state, config, policy.get(), level, repeat, now);
    if (paging.pages.isEmpty()) {
      return keep(Outcome.EXHAUSTED, paging.state.in(Phase.EXHAUSTED, now.plus(settings.staleAfter())),
          timedOut + "; " + paging.reason);
    }
    Outcome outcome = paging.state.repeat() != state.repeat() ? Outcome.REPEATED : Outcome.NEXT_LEVEL;
    return new EscalationDecision(outcome, Optional.of(paging.state), paging.pages, timedOut + "; " + paging.reason);
  }

  // ---- starting ------------------------------------------------------------------------------

  private EscalationDecision start(EscalationEvent event, IncidentInfo info, OnCallConfig config,
                                   Function<String, Optional<ServiceNode>> services, int cycle, Instant now) {
    return start(event, info, config, services, cycle, now, List.of(), List.of());
  }

  private EscalationDecision start(EscalationEvent event, IncidentInfo info, OnCallConfig config,
                                   Function<String, Optional<ServiceNode>> services, int cycle, Instant now,
                                   List<String> seen) {
    return start(event, info, config, services, cycle, now, seen, List.of());
  }

  private EscalationDecision start(EscalationEvent event, IncidentInfo info, OnCallConfig config,
                                   Function<String, Optional<ServiceNode>> services, int cycle, Instant now,
                                   List<String> seen, List<Paged> paged) {
    RouteDecision route = Router.route(config, event, services);
    EscalationState s = new EscalationState(event.getIncidentId(), info, route.team(), route.policy(),
        route.urgency(), Phase.UNROUTED, cycle, 0, 0, now.plus(settings.staleAfter()), paged, seen, now,
        Optional.empty()).seeing(event.getId(), now);
    String routed = event.getKind() + (cycle > 0 ? " (cycle " + cycle + ")" : "") + ": " + route.reason();
    if (route.urgency() == Urgency.HIGH) {
      Optional<EscalationPolicy> policy = route.policy().flatMap(config::policy);
      if (policy.isPresent()) {
        Paging paging = page(s, config, policy.get(), 0, 0, now);
        if (!paging.pages.isEmpty()) {
          return new EscalationDecision(Outcome.STARTED, Optional.of(paging.state), paging.pages,
              routed + "; " + paging.reason);
        }
        return chatInstead(paging.state, route, now, routed + "; " + paging.reason);
      }
      return chatInstead(s, route, now, routed);
    }
    if (route.chat().isEmpty()) {
      return keep(Outcome.UNROUTED, s, routed + "; no chat contact for LOW urgency: nobody is notified");
    }
    PageRecipient chat = PageRecipient.chat(route.team().orElse("default"), route.team().orElse("default"),
        route.chat().get());
    Paging paging = new Paging(s);
    paging.add(trigger(s, chat, Urgency.LOW, 0, 0, "LOW urgency: chat only", now));
    return new EscalationDecision(Outcome.STARTED, Optional.of(paging.state.in(Phase.CHAT,
        now.plus(settings.staleAfter()))), paging.pages, routed + "; notified " + route.chat().get().label());
  }

  /** HIGH urgency, but nobody to page: the chat contact, if any, is better than silence. */
  private EscalationDecision chatInstead(EscalationState s, RouteDecision route, Instant now, String reason) {
    if (route.chat().isEmpty()) {
      return keep(Outcome.UNROUTED, s.in(Phase.UNROUTED, now.plus(settings.staleAfter())),
          reason + "; no chat contact either: nobody is notified");
    }
    PageRecipient chat = PageRecipient.chat(route.team().orElse("default"), route.team().orElse("default"),
        route.chat().get());
    Paging paging = new Paging(s);
    paging.add(trigger(s, chat, Urgency.HIGH, 0, 0, "nobody could be paged, so the team's chat is told", now));
    return new EscalationDecision(Outcome.UNROUTED, Optional.of(paging.state.in(Phase.CHAT,
        now.plus(settings.staleAfter()))), paging.pages, reason + "; nobody to page: notified "
        + route.chat().get().label() + " instead");
  }

  // ---- paging levels -------------------------------------------------------------------------

  /** Page requests being collected, with the state recording them. */
  private final class Paging {
    EscalationState state;
    final List<PageRequest> pages = new ArrayList<>();
    String reason = "";

    Paging(EscalationState state) {
      this.state = state;
    }

    void add(PageRequest page) {
      pages.add(page);
      PageRecipient r = PageRecipient.fromAvro(page.getRecipient());
      List<Paged> paged = new ArrayList<>(state.paged());
      Paged entry = new Paged(r, page.getLevel(), page.getRepeat(), page.getRequestedAt(), page.getDedupKey());
      boolean replaced = false;
      for (int i = 0; i < paged.size(); i++) {
        if (paged.get(i).recipient().key().equals(r.key())) {
          paged.set(i, entry);
          replaced = true;
        }
      }
      if (!replaced && paged.size() < settings.maxPagedPerIncident()) {
        paged.add(entry);
      }
      state = new EscalationState(state.incidentId(), state.incident(), state.team(), state.policy(),
          state.urgency(), state.phase(), state.cycle(), state.level(), state.repeat(), state.deadline(), paged,
          state.seen(), state.updatedAt(), state.closedBy());
    }
  }

  /**
   * Pages level {@code level} of pass {@code repeat}; a level that resolves to nobody is skipped at
   * once (to the next level, then the next pass). With pages, the state is ESCALATING at the level
   * paged, due at its timeout.
   */
  private Paging page(EscalationState s, OnCallConfig config, EscalationPolicy policy, int level, int repeat,
                      Instant now) {
    Paging paging = new Paging(s);
    List<String> skipped = new ArrayList<>();
    int steps = policy.levels().size() * (policy.repeats() + 1);
    for (int step = 0; step < steps && repeat <= policy.repeats(); step++) {
      EscalationPolicy.Level l = policy.levels().get(level);
      OnCall.LevelOnCall resolved = OnCall.level(config, l, level, now);
      List<String> problems = new ArrayList<>();
      resolved.targets().forEach(t -> t.problem().ifPresent(problems::add));
      List<String> whom = new ArrayList<>();
      for (OnCall.Resolved target : resolved.targets()) {
        for (Person person : target.people()) {
          if (person.contacts().isEmpty()) {
            problems.add(person.id() + " has no contact method");
          }
          String why = "you are " + describe(target.target()) + " at level " + level + " of policy " + policy.id();
          for (ContactMethod contact : person.contacts()) {
            PageRecipient r = PageRecipient.of(person, contact);
            if (paging.pages.stream().noneMatch(p -> p.getRecipient().getId().equals(r.id())
                && p.getRecipient().getAddress().equals(r.address()) && p.getRecipient().getChannel() == r.channel())) {
              paging.add(trigger(paging.state, r, Urgency.HIGH, level, repeat, why, now));
              if (!whom.contains(person.id())) {
                whom.add(person.id());
              }
            }
          }
        }
      }
      if (!paging.pages.isEmpty()) {
        EscalationState st = paging.state;
        paging.state = new EscalationState(st.incidentId(), st.incident(), st.team(), st.policy(), st.urgency(),
            Phase.ESCALATING, st.cycle(), level, repeat, now.plus(l.timeout()), st.paged(), st.seen(),
            st.updatedAt(), st.closedBy());
        paging.reason = (skipped.isEmpty() ? "" : String.join("; ", skipped) + "; ") + "paged level " + level
            + " (pass " + repeat + ") of " + policy.id() + ": " + String.join(", ", whom)
            + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")") + "; next level due at "
            + CLOCK.format(now.plus(l.timeout()));
        return paging;
      }
      skipped.add("level " + level + " (pass " + repeat + ") has nobody to page"
          + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
      level++;
      if (level >= policy.levels().size()) {
        level = 0;
        repeat++;
      }
    }
    paging.reason = String.join("; ", skipped) + "; nobody to page in policy " + policy.id();
    return paging;
  }

  private static String describe(EscalationPolicy.Target target) {
    return switch (target.kind()) {
      case SCHEDULE -> "on call on schedule " + target.id();
      case PERSON -> "a target";
      case TEAM -> "a member of team " + target.id();
    };
  }

  // ---- ack and resolve -----------------------------------------------------------------------

  private EscalationDecision ack(Optional<EscalationState> current, String actor, Instant now) {
    if (current.isEmpty()) {
      return none(Outcome.IGNORED, "acknowledged, but it never escalated here: nothing to stop");
    }
    EscalationState s = current.get();
    if (!s.phase().unanswered()) {
      return keep(Outcome.IGNORED, s, "already " + s.phase().name().toLowerCase(Locale.ROOT));
    }
    EscalationState acked = s.in(Phase.ACKNOWLEDGED, now.plus(settings.staleAfter())).closedBy(actor);
    List<PageRequest> pages = followUps(acked, PageAction.ACKNOWLEDGE, actor, now);
    return new EscalationDecision(Outcome.ACKNOWLEDGED, Optional.of(acked), pages, "acknowledged by " + actor
        + " at level " + s.level() + " (pass " + s.repeat() + "): no further levels; told " + pages.size()
        + " paged destination(s)");
  }

  private EscalationDecision resolve(Optional<EscalationState> current, String actor, Instant now) {
    if (current.isEmpty()) {
      return none(Outcome.IGNORED, "resolved, but it never escalated here: nobody to tell");
    }
    EscalationState s = current.get();
    if (s.phase() == Phase.RESOLVED) {
      return keep(Outcome.IGNORED, s, "already resolved");
    }
    EscalationState resolved = s.in(Phase.RESOLVED, now.plus(settings.retention())).closedBy(actor);
    List<PageRequest> pages = followUps(resolved, PageAction.RESOLVE, actor, now);
    return new EscalationDecision(Outcome.RESOLVED, Optional.of(resolved), pages, "resolved by " + actor
        + ": no further levels; told " + pages.size() + " paged destination(s)");
  }

  private List<PageRequest> followUps(EscalationState s, PageAction action, String actor, Instant now) {
    List<PageRequest> out = new ArrayList<>();
    String verb = action == PageAction.RESOLVE ? "Resolved" : "Acknowledged";
    for (Paged p : s.paged()) {
      out.add(PageRequest.newBuilder()
          .setDedupKey(DedupKeys.followUp(p.dedupKey(), action))
          .setIncidentId(s.incidentId())
          .setAction(action)
          .setLevel(p.level())
          .setRepeat(p.repeat())
          .setRecipient(p.recipient().toAvro())
          .setUrgency(p.recipient().id().startsWith("team:") ? Urgency.LOW : s.urgency())
          .setSeverity(s.incident().severity())
          .setTitle(verb + ": " + s.incident().title())
          .setBody(verb + " by " + actor + " at " + CLOCK.format(now) + ".\n" + s.incident().summary())
          .setRootCause(s.incident().rootCause().orElse(null))
          .setTeam(s.team().orElse(null))
          .setPolicy(s.policy().orElse(null))
          .setLinks(copy(s.incident().links()))
          .setRequestedAt(now)
          .build());
    }
    return out;
  }

  // ---- building pages ------------------------------------------------------------------------

  private static PageRequest trigger(EscalationState s, PageRecipient r, Urgency urgency, int level, int repeat,
                                     String why, Instant now) {
    IncidentInfo i = s.incident();
    StringBuilder body = new StringBuilder();
    if (!i.summary().isBlank()) {
      body.append(i.summary().strip()).append("\n");
    }
    if (!i.services().isEmpty()) {
      body.append("Services: ").append(String.join(", ", i.services())).append("\n");
    }
    body.append("Severity ").append(i.severity()).append("; team ").append(s.team().orElse("(none)"))
        .append("; ").append(why).append(repeat > 0 ? " (pass " + (repeat + 1) + ")" : "").append(".");
    return PageRequest.newBuilder()
        .setDedupKey(DedupKeys.page(s.incidentId(), s.cycle(), level, repeat, r))
        .setIncidentId(s.incidentId())
        .setAction(PageAction.TRIGGER)
        .setLevel(level)
        .setRepeat(repeat)
        .setRecipient(r.toAvro())
        .setUrgency(urgency)
        .setSeverity(i.severity())
        .setTitle(i.title())
        .setBody(body.toString())
        .setRootCause(i.rootCause().orElse(null))
        .setTeam(s.team().orElse(null))
        .setPolicy(s.policy().orElse(null))
        .setLinks(copy(i.links()))
        .setRequestedAt(now)
        .build();
  }

  private static List<Link> copy(List<Link> links) {
    List<Link> out = new ArrayList<>(links.size());
    links.forEach(l -> out.add(Link.newBuilder(l).build()));
    return out;
  }

  // ---- decisions -----------------------------------------------------------------------------

  /** An open, not escalating state's expiry moves with its activity. */
  private EscalationState refreshDeadline(EscalationState s, Instant now) {
    return s.in(s.phase(), now.plus(settings.staleAfter()));
  }

  private static EscalationDecision keep(Outcome outcome, EscalationState s, String reason) {
    return new EscalationDecision(outcome, Optional.of(s), List.of(), reason);
  }

  private static EscalationDecision same(Outcome outcome, EscalationState s, String reason) {
    return new EscalationDecision(outcome, Optional.of(s), List.of(), reason);
  }

  private static EscalationDecision none(Outcome outcome, String reason) {
    return new EscalationDecision(outcome, Optional.empty(), List.of(), reason);
  }

  /** The settings. */
  public NotifierSettings settings() {
    return settings;
  }
}
