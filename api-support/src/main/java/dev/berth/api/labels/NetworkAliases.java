package dev.berth.api.labels;

import dev.berth.api.InvalidValueException;

/**
 * The check every network alias ({@code --network-alias}, {@code network connect --alias}) passes
 * before a label carries it. Aliases are kept in {@link LabelLists lists} and as {@code alias=NAME}
 * items of {@link ConnectedNetwork} labels, whose separators they must not hold, or one alias could
 * add items of its own (another address) to the container's configuration. Docker's daemon checks
 * none; no name the embedded DNS server could answer holds these characters anyway.
 */
public final class NetworkAliases {
  private NetworkAliases() {}

  /** {@code alias} itself; InvalidValueException when it is empty or holds a separator, a blank or a control character. */
  public static String checked(String alias) {
    if (alias.isEmpty() || alias.chars().anyMatch(c -> c == ',' || c == '=' || c == ';'
        || Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c))) {
      throw InvalidValueException.of("network alias", alias,
          "a name without commas, '=', ';', blanks or control characters");
    }
    return alias;
  }
}
