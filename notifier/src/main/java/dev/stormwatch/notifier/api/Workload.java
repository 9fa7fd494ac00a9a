package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.Person;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-call workload per person, from the {@code pages.log} records {@link PagesLog} reads:
 * {@code stormwatch_oncall_pages_total{person}}, {@code stormwatch_oncall_pages_off_hours_total{person}}
 * (outside 09:00–17:00 Monday to Friday in the person's time zone) and
 * {@code stormwatch_oncall_pages_sleep_hours_total{person}} (23:00–07:00 local).
 *
 * <p>A page counts once per interruption: a DELIVERED TRIGGER to a person (team chats do not count),
 * once per escalation step however many contact methods it went to (the dedup key without its
 * {@code <channel>:<address>}; a bundled message counts once per window). The time is the DELIVERED
 * record's; the time zone is the person's in the on-call configuration (a person it no longer knows,
 * or a configuration that cannot be read, counts in UTC). Only records at or after {@code countFrom}
 * count (the instance's start), so reading history back on a restart does not count it again.
 *
 * <p>Bounded: the first {@code maxPeople} people seen get their own {@code person} label, everyone
 * after them counts as {@value #OTHER} (registered at zero). Each instance counts what it reads: with
 * several notifier API instances, aggregate with {@code max}, not {@code sum}.
 */
public final class Workload {

  /** The label of everyone beyond the cap. */
  public static final String OTHER = "other";
  /** Office hours start (local). */
  public static final LocalTime OFFICE_START = LocalTime.of(9, 0);
  /** Office hours end (local, exclusive). */
  public static final LocalTime OFFICE_END = LocalTime.of(17, 0);
  /** Sleep hours start (local). */
  public static final LocalTime SLEEP_START = LocalTime.of(23, 0);
  /** Sleep hours end (local, exclusive). */
  public static final LocalTime SLEEP_END = LocalTime.of(7, 0);

  private static final Logger log = LoggerFactory.getLogger(Workload.class);
  private static final Pattern STEP = Pattern.compile("^(.+:c\\d+:l\\d+:r\\d+):(.+)$");
  private static final Pattern BUNDLE = Pattern.compile("^bundle:.*:(\\d+)$");
  private static final int REMEMBERED = 10_000;
  private static final long CONFIG_TTL_NANOS = Duration.ofSeconds(10).toNanos();

  private final MeterRegistry meters;
  private final Supplier<OnCallConfig> onCall;
  private final int maxPeople;
  private final Instant countFrom;
  private final Map<String, Counter[]> byPerson = new LinkedHashMap<>();
  private final Map<String, Boolean> counted = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };
  private OnCallConfig config;
  private long configAt;

  /**
   * @param meters    where the counters go
   * @param onCall    the on-call configuration (for time zones); may throw while not queryable
   * @param maxPeople people with their own label, at least 1
   * @param countFrom records before this are not counted
   */
  public Workload(MeterRegistry meters, Supplier<OnCallConfig> onCall, int maxPeople, Instant countFrom) {
    this.meters = Objects.requireNonNull(meters, "meters");
    this.onCall = Objects.requireNonNull(onCall, "onCall");
    this.countFrom = Objects.requireNonNull(countFrom, "countFrom");
    if (maxPeople < 1) {
      throw new IllegalArgumentException("workload max-people must be at least 1, was " + maxPeople);
    }
    this.maxPeople = maxPeople;
    counters(OTHER);
  }

  /** Whether {@code t} is outside office hours (09:00–17:00, Monday to Friday) where it is. */
  public static boolean offHours(ZonedDateTime t) {
    DayOfWeek day = t.getDayOfWeek();
    if (day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY) {
      return true;
    }
    LocalTime time = t.toLocalTime();
    return time.isBefore(OFFICE_START) || !time.isBefore(OFFICE_END);
  }

  /** Whether {@code t} is in sleep hours (23:00–07:00) where it is. */
  public static boolean sleepHours(ZonedDateTime t) {
    LocalTime time = t.toLocalTime();
    return !time.isBefore(SLEEP_START) || time.isBefore(SLEEP_END);
  }

  /**
   * The interruption a DELIVERED page belongs to: its dedup key without the destination's channel
   * and address ({@code <incident>:c0:l1:r0:alice}), or {@code bundle:<person>:<window start>}; the
   * dedup key itself when it has neither form.
   */
  static String interruption(String dedupKey, String recipientId) {
    Matcher step = STEP.matcher(dedupKey);
    if (step.matches() && step.group(2).startsWith(recipientId + ":")) {
      return step.group(1) + ":" + recipientId;
    }
    Matcher bundle = BUNDLE.matcher(dedupKey);
    if (bundle.matches()) {
      return "bundle:" + recipientId + ":" + bundle.group(1);
    }
    return dedupKey;
  }

  /** Takes one {@code pages.log} record in (a {@link PagesLog} listener). */
  public synchronized void observe(PageOutcome outcome) {
    if (outcome.getOutcome() != PageResult.DELIVERED || outcome.getAction() != PageAction.TRIGGER
        || outcome.getRecipientId().startsWith("team:") || outcome.getAt().isBefore(countFrom)) {
      return;
    }
    String id = interruption(outcome.getDedupKey(), outcome.getRecipientId());
    if (counted.putIfAbsent(id, Boolean.TRUE) != null) {
      return;
    }
    String person = outcome.getRecipientId();
    ZonedDateTime local = outcome.getAt().atZone(zoneOf(person));
    Counter[] c = counters(byPerson.containsKey(person) || byPerson.size() - 1 < maxPeople ? person : OTHER);
    c[0].increment();
    if (offHours(local)) {
      c[1].increment();
    }
    if (sleepHours(local)) {
      c[2].increment();
    }
  }

  private ZoneId zoneOf(String person) {
    long now = System.nanoTime();
    if (config == null || now - configAt > CONFIG_TTL_NANOS) {
      try {
        config = onCall.get();
        configAt = now;
      } catch (RuntimeException e) {
        log.debug("workload: the on-call configuration is not readable ({}); counting in UTC", e.toString());
        return Optional.ofNullable(config).flatMap(c -> c.person(person)).map(Person::timeZone)
            .orElse(ZoneOffset.UTC);
      }
    }
    return config.person(person).map(Person::timeZone).orElse(ZoneOffset.UTC);
  }

  private Counter[] counters(String person) {
    return byPerson.computeIfAbsent(person, p -> new Counter[] {
        Counter.builder("stormwatch.oncall.pages").description("Pages delivered to a person (one per interruption)")
            .tag("person", p).register(meters),
        Counter.builder("stormwatch.oncall.pages.off.hours")
            .description("Pages delivered to a person outside 09:00-17:00 Monday to Friday, their time")
            .tag("person", p).register(meters),
        Counter.builder("stormwatch.oncall.pages.sleep.hours")
            .description("Pages delivered to a person between 23:00 and 07:00, their time")
            .tag("person", p).register(meters)});
  }
}
