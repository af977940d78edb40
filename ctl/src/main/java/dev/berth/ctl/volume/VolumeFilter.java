package dev.berth.ctl.volume;

import berth.volumes.v1.Volume;
import dev.berth.ctl.CommandFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code volume ls}: {@code name=PART} (part of the name), {@code label=KEY}
 * or {@code label=KEY=VALUE}, {@code dangling=true|false} (no container uses it) and
 * {@code driver=local}. Values of one key match if any of them does; different keys must all
 * match, as in Docker.
 */
final class VolumeFilter implements Predicate<Volume> {
  private final Map<String, List<Predicate<Volume>>> byKey;

  private VolumeFilter(Map<String, List<Predicate<Volume>>> byKey) {
    this.byKey = byKey;
  }

  static VolumeFilter parse(List<String> filters) {
    Map<String, List<Predicate<Volume>>> byKey = new LinkedHashMap<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? f : f.substring(0, equals);
      String value = f.substring(equals + 1);
      Predicate<Volume> test = switch (equals < 0 ? "" : key) {
        case "name" -> v -> v.getName().contains(value);
        case "label" -> label(value);
        case "dangling" -> dangling(f, value);
        case "driver" -> v -> v.getDriver().equals(value);
        default -> throw new CommandFailure("invalid filter '" + f + "': expected name=, label=, dangling= or driver=");
      };
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(test);
    }
    return new VolumeFilter(byKey);
  }

  private static Predicate<Volume> label(String value) {
    int equals = value.indexOf('=');
    if (equals < 0) {
      return v -> v.getLabelsMap().containsKey(value);
    }
    String key = value.substring(0, equals);
    String wanted = value.substring(equals + 1);
    return v -> wanted.equals(v.getLabelsMap().get(key));
  }

  private static Predicate<Volume> dangling(String filter, String value) {
    return switch (value) {
      case "true", "1" -> v -> v.getUsedByCount() == 0;
      case "false", "0" -> v -> v.getUsedByCount() > 0;
      default -> throw new CommandFailure("invalid filter '" + filter + "': expected true or false");
    };
  }

  @Override
  public boolean test(Volume v) {
    return byKey.values().stream().allMatch(any -> any.stream().anyMatch(p -> p.test(v)));
  }
}
