package dev.berth.cri;

import java.util.OptionalLong;

/**
 * The user of an image config ({@code USER} in a Dockerfile: {@code name}, {@code uid},
 * {@code name:group}, {@code uid:gid}) split as the CRI's Image wants it: a numeric uid, or a
 * user name; the group is not part of it.
 */
record ImageUser(OptionalLong uid, String username) {
  static ImageUser parse(String user) {
    String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    if (name.isEmpty()) {
      return new ImageUser(OptionalLong.empty(), "");
    }
    if (name.chars().allMatch(Character::isDigit) && name.length() <= 10) {
      return new ImageUser(OptionalLong.of(Long.parseLong(name)), "");
    }
    return new ImageUser(OptionalLong.empty(), name);
  }
}
