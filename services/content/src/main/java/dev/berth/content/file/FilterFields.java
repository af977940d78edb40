package dev.berth.content.file;

import dev.berth.api.filter.Filter;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.IngestStatus;
import java.util.Optional;

/** The fields containerd's filters can name on blobs and ingests. */
final class FilterFields {
  private FilterFields() {}

  /** {@code digest}, {@code size} and {@code labels.<key>} (a key may contain dots). */
  static Filter.Fields of(ContentInfo info) {
    return path -> {
      if (path.size() == 1) {
        return switch (path.get(0)) {
          case "digest" -> Optional.of(info.digest());
          case "size" -> Optional.of(Long.toString(info.size()));
          default -> Optional.empty();
        };
      }
      if (path.size() > 1 && path.get(0).equals("labels")) {
        return Optional.ofNullable(info.labels().get(String.join(".", path.subList(1, path.size()))));
      }
      return Optional.empty();
    };
  }

  /** {@code ref}, {@code expected}, {@code total} and {@code offset}. */
  static Filter.Fields of(IngestStatus status) {
    return path -> {
      if (path.size() != 1) {
        return Optional.empty();
      }
      return switch (path.get(0)) {
        case "ref" -> Optional.of(status.ref());
        case "expected" -> Optional.ofNullable(status.expected());
        case "total" -> Optional.of(Long.toString(status.total()));
        case "offset" -> Optional.of(Long.toString(status.offset()));
        default -> Optional.empty();
      };
    };
  }
}
