package dev.berth.network;

import dev.berth.api.Identifiers;
import dev.berth.api.InvalidValueException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.Ipv4;
import java.util.regex.Pattern;

/** Checks for the names and addresses an attach or network request carries; INVALID_ARGUMENT when wrong. */
final class Names {
  /** IFNAMSIZ is 16 including the NUL. */
  static final int MAX_DEVICE_NAME = 15;
  private static final Pattern DEVICE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");
  private static final Pattern HOSTNAME = Pattern.compile(
      "^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");
  private static final Pattern WORD = Pattern.compile("^[^\\s#;]+$");

  private Names() {}

  static String device(String what, String name) {
    if (name.length() > MAX_DEVICE_NAME || !DEVICE.matcher(name).matches()) {
      throw Errors.invalidArgument("%s %s is invalid: at most %d letters, digits, '_', '.' or '-'",
          what, Identifiers.printable(name), MAX_DEVICE_NAME);
    }
    return name;
  }

  /**
   * A name peers find the container by in /etc/hosts: a host name, or a container name, which
   * may hold '_' (Docker resolves those too); nothing that could break the file's syntax.
   */
  static String hostsName(String what, String name) {
    if (name.length() > 253 || !DEVICE.matcher(name).matches()) {
      throw Errors.invalidArgument("%s %s is invalid: letters, digits, '_', '.' or '-', starting with a letter or digit",
          what, Identifiers.printable(name));
    }
    return name;
  }

  static String hostname(String what, String name) {
    if (name.length() > 63 || !HOSTNAME.matcher(name).matches()) {
      throw Errors.invalidArgument("%s %s is not a valid host name", what, Identifiers.printable(name));
    }
    return name;
  }

  /** An IPv4 or IPv6 literal, as resolv.conf and /etc/hosts take them (no name lookups here). */
  static String address(String what, String text) {
    if (!Ipv4.isValid(text) && !IPV6.matcher(text).matches()) {
      throw Errors.invalidArgument("%s %s is not an IP address", what, Identifiers.printable(text));
    }
    return text;
  }

  /** A search domain or resolver option: one word. */
  static String word(String what, String text) {
    if (!WORD.matcher(text).matches()) {
      throw Errors.invalidArgument("%s %s is invalid", what, Identifiers.printable(text));
    }
    return text;
  }

  /**
   * One item of the extra-hosts label, in the grammar the clients write it in
   * ({@link HostEntrySpec#parse}), its name a host name and its address a literal
   * (the clients' {@code host-gateway} is theirs to replace).
   */
  static HostEntry hostEntry(String spec) {
    HostEntrySpec parsed;
    try {
      parsed = HostEntrySpec.parse(spec);
    } catch (InvalidValueException e) {
      throw Errors.invalidArgument("extra host: %s", e.getMessage());
    }
    return new HostEntry(hostname("extra host name", parsed.hostname()), address("extra host address", parsed.ip()));
  }
}
