package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a user as Docker's {@code -u} and an image's {@code User} give it ({@code NAME},
 * {@code UID}, {@code NAME:GROUP}, {@code UID:GID}, or empty for root) into the ids a process runs
 * with, reading the image's {@code /etc/passwd} and {@code /etc/group} as runc does:
 * <ul>
 *   <li>a name must be in passwd; a number need not be (then its group is 0);
 *   <li>the user's group is the passwd entry's, unless a group is given: a name must be in group,
 *       a number need not be;
 *   <li>without an explicit group, every group that lists the user as a member is added.
 * </ul>
 * A name that is not there is an {@link UnknownUserException}, in Docker's words.
 */
public final class UserResolver {
  /** The largest id Linux takes (ids are signed 32-bit in the kernel's interfaces). */
  private static final long MAX_ID = Integer.MAX_VALUE;

  /** The kernel's overflow ids: who a process runs as while its user waits to be resolved. */
  public static final Spec.User UNRESOLVED = new Spec.User(65534, 65534, List.of());

  private record PasswdEntry(String name, long uid, long gid) {}

  private record GroupEntry(String name, long gid, List<String> members) {}

  private UserResolver() {}

  /** Resolves {@code spec} against the image's files. */
  public static Spec.User resolve(String spec, RootfsFiles rootfs) {
    return resolve(spec, text(rootfs, "/etc/passwd"), text(rootfs, "/etc/group"));
  }

  /** Resolves {@code spec} against passwd and group text (each absent when the image lacks it). */
  public static Spec.User resolve(String spec, Optional<String> passwd, Optional<String> group) {
    int colon = spec.indexOf(':');
    String userPart = colon < 0 ? spec : spec.substring(0, colon);
    String groupPart = colon < 0 ? "" : spec.substring(colon + 1);
    if (colon >= 0 && (userPart.isEmpty() || groupPart.isEmpty())) {
      throw InvalidValueException.of("user", spec, "expected NAME[:GROUP] or UID[:GID]");
    }
    Optional<Long> uidArg = number(spec, userPart);

    long uid = 0;
    long gid = 0;
    String matchedName = null;
    List<PasswdEntry> users = passwd.map(UserResolver::parsePasswd).orElse(List.of());
    Optional<PasswdEntry> entry = users.stream()
        .filter(u -> userPart.isEmpty() ? u.uid() == 0 : uidArg.map(n -> n == u.uid()).orElse(u.name().equals(userPart)))
        .findFirst();
    if (entry.isPresent()) {
      matchedName = entry.get().name();
      uid = entry.get().uid();
      gid = entry.get().gid();
    } else if (!userPart.isEmpty()) {
      uid = uidArg.orElseThrow(() -> UnknownUserException.user(userPart));
    }

    List<GroupEntry> groups = group.map(UserResolver::parseGroup).orElse(List.of());
    Set<Long> additional = new LinkedHashSet<>();
    if (!groupPart.isEmpty()) {
      Optional<Long> gidArg = number(spec, groupPart);
      gid = groups.stream()
          .filter(g -> gidArg.map(n -> n == g.gid()).orElse(g.name().equals(groupPart)))
          .map(GroupEntry::gid)
          .findFirst()
          .or(() -> gidArg)
          .orElseThrow(() -> UnknownUserException.group(groupPart));
    } else if (matchedName != null) {
      for (GroupEntry g : groups) {
        if (g.members().contains(matchedName)) {
          additional.add(g.gid());
        }
      }
    }
    return new Spec.User(uid, gid, List.copyOf(additional));
  }

  /**
   * {@code spec} resolved for a process whose user was {@link #UNRESOLVED}: the groups it was given
   * besides its user's stay after those the user's memberships add.
   */
  public static Spec.User resolveOver(Spec.User unresolved, String spec, RootfsFiles rootfs) {
    Spec.User resolved = resolve(spec, rootfs);
    Set<Long> groups = new LinkedHashSet<>(resolved.additionalGids());
    groups.addAll(unresolved.additionalGids());
    return new Spec.User(resolved.uid(), resolved.gid(), List.copyOf(groups));
  }

  /**
   * {@code user} as Docker's daemon and containerd (since 1.6.18) give it to a process: its own
   * group first among the supplementary ones, then the others (moby's getUser, containerd's
   * ensureAdditionalGids; runc alone lists only the memberships), so {@code id} shows
   * {@code groups=1000(app),…} and a process that drops to its supplementary groups keeps its own.
   */
  public static Spec.User withOwnGroup(Spec.User user) {
    Set<Long> groups = new LinkedHashSet<>();
    groups.add(user.gid());
    groups.addAll(user.additionalGids());
    return new Spec.User(user.uid(), user.gid(), List.copyOf(groups));
  }

  /**
   * Docker's {@code --group-add}: a group id as given, or the id of the group so named in the
   * image's /etc/group.
   */
  public static long groupId(String group, RootfsFiles rootfs) {
    if (group.chars().allMatch(Character::isDigit)) {
      return number(group, group).orElseThrow();
    }
    return text(rootfs, "/etc/group").map(UserResolver::parseGroup).orElse(List.of()).stream()
        .filter(g -> g.name().equals(group)).map(GroupEntry::gid).findFirst()
        .orElseThrow(() -> UnknownUserException.addedGroup(group));
  }

  /** The id in {@code part} if it is a number; empty if it is a name. */
  private static Optional<Long> number(String spec, String part) {
    if (part.isEmpty() || !part.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    if (part.length() > 10 || Long.parseLong(part) > MAX_ID) {
      throw InvalidValueException.of("user", spec, part + " is beyond the largest id, " + MAX_ID);
    }
    return Optional.of(Long.parseLong(part));
  }

  private static Optional<String> text(RootfsFiles rootfs, String path) {
    return rootfs.read(path).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** name:password:uid:gid:gecos:home:shell; lines that do not fit are skipped, as libc does. */
  private static List<PasswdEntry> parsePasswd(String text) {
    List<PasswdEntry> entries = new ArrayList<>();
    for (String[] f : lines(text)) {
      if (f.length >= 4 && isId(f[2]) && isId(f[3])) {
        entries.add(new PasswdEntry(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
      }
    }
    return entries;
  }

  /** name:password:gid:member,member */
  private static List<GroupEntry> parseGroup(String text) {
    List<GroupEntry> entries = new ArrayList<>();
    for (String[] f : lines(text)) {
      if (f.length >= 3 && isId(f[2])) {
        List<String> members = f.length < 4 || f[3].isEmpty() ? List.of()
            : List.of(f[3].trim().split("\\s*,\\s*"));
        entries.add(new GroupEntry(f[0], Long.parseLong(f[2]), members));
      }
    }
    return entries;
  }

  private static List<String[]> lines(String text) {
    List<String[]> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        lines.add(trimmed.split(":", -1));
      }
    }
    return lines;
  }

  private static boolean isId(String field) {
    return !field.isEmpty() && field.length() <= 10 && field.chars().allMatch(Character::isDigit)
        && Long.parseLong(field) <= MAX_ID;
  }
}
