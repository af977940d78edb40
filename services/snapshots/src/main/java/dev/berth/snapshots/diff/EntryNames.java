package dev.berth.snapshots.diff;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import java.util.ArrayList;
import java.util.List;

/**
 * Tar entry names as relative paths inside the target: a leading {@code /} or {@code ./} is
 * dropped (an absolute name stays inside the target), a {@code ..} component is refused.
 */
final class EntryNames {
  private EntryNames() {}

  /** The name's components; none for the root itself. */
  static List<String> components(String name) {
    List<String> out = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw Errors.invalidArgument("layer entry %s leaves the target directory", Identifiers.printable(name));
      }
      if (part.indexOf('\0') >= 0) {
        throw Errors.invalidArgument("layer entry %s has a NUL character", Identifiers.printable(name));
      }
      out.add(part);
    }
    return out;
  }

  static String join(List<String> components) {
    return String.join("/", components);
  }
}
