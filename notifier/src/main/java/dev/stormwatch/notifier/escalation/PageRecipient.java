package dev.stormwatch.notifier.escalation;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Recipient;
import dev.stormwatch.notifier.oncall.ContactMethod;
import dev.stormwatch.notifier.oncall.Person;
import dev.stormwatch.notifier.oncall.Team;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One destination of pages: a person's contact method, or a team's chat contact.
 *
 * @param id       person id, or {@code team:<team id>} for a team's chat
 * @param name     display name
 * @param channel  the integration that delivers
 * @param address  the address on it (a name, never a secret)
 * @param timeZone the person's IANA time zone, if a person
 */
public record PageRecipient(String id, String name, ChannelType channel, String address,
                            Optional<String> timeZone) {

  /** Validates. */
  public PageRecipient {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(timeZone, "timeZone");
  }

  /** A person, through one contact method. */
  public static PageRecipient of(Person person, ContactMethod contact) {
    return new PageRecipient(person.id(), person.name(), contact.channel(), contact.address(),
        Optional.of(person.timeZone().getId()));
  }

  /** A team's chat contact. */
  public static PageRecipient chat(String teamId, String teamName, ContactMethod contact) {
    return new PageRecipient("team:" + teamId, teamName, contact.channel(), contact.address(), Optional.empty());
  }

  /** A team's chat contact. */
  public static PageRecipient chat(Team team, ContactMethod contact) {
    return chat(team.id(), team.name(), contact);
  }

  /**
   * {@code <id>:<channel>:<address>}, e.g. {@code alice:inbox:alice}: identifies the destination in
   * dedup keys, and keys the bundling stage (one bundle per destination).
   */
  public String key() {
    return id + ":" + channel.name().toLowerCase(Locale.ROOT) + ":" + address;
  }

  /** The Avro form carried by a {@code PageRequest}. */
  public Recipient toAvro() {
    return Recipient.newBuilder().setId(id).setName(name).setChannel(channel).setAddress(address)
        .setTimeZone(timeZone.orElse(null)).build();
  }

  /** From the Avro form. */
  public static PageRecipient fromAvro(Recipient r) {
    return new PageRecipient(r.getId(), r.getName() == null ? r.getId() : r.getName(), r.getChannel(),
        r.getAddress(), Optional.ofNullable(r.getTimeZone()));
  }
}
