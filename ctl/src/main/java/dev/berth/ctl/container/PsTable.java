package dev.berth.ctl.container;

import dev.berth.ctl.output.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host's ps output cut down to a container's processes and laid out as {@code docker top} lays it out: Docker's
 * daemon splits each line into the header's fields (the last one, the command, keeps the rest of the line), and its
 * CLI prints them in columns at least 20 characters wide with 3 spaces between them.
 */
final class PsTable {
  /** The narrowest a column and its gap are, as Docker's CLI sets up the tabwriter of {@code docker top}. */
  private static final int MIN_COLUMN = 20;

  private PsTable() {
  }

  /**
   * The lines of {@code psOutput} whose PID column is in {@code pids}, under the header, with the thread lines
   * ({@code -} as PID, under {@code ps -m}) of the processes kept.
   *
   * @throws IllegalArgumentException when the header has no PID column
   */
  static List<String> of(String psOutput, Set<String> pids) {
    List<String> lines = psOutput.lines().toList();
    List<String> titles = lines.isEmpty() ? List.of() : fields(lines.get(0));
    int pid = titles.indexOf("PID");
    if (pid < 0) {
      throw new IllegalArgumentException("Couldn't find PID field in ps output");
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(titles);
    boolean lastKept = false;
    for (String line : lines.subList(1, lines.size())) {
      List<String> fields = fields(line);
      if (fields.size() <= pid) {
        continue;
      }
      boolean thread = fields.get(pid).equals("-");
      if (thread ? lastKept : pids.contains(fields.get(pid))) {
        rows.add(merged(fields, titles.size()));
      }
      if (!thread) {
        lastKept = pids.contains(fields.get(pid));
      }
    }
    return Output.aligned(rows, MIN_COLUMN);
  }

  private static List<String> fields(String line) {
    String stripped = line.strip();
    return stripped.isEmpty() ? List.of() : List.of(stripped.split("\\s+"));
  }

  /** The fields beyond the header's last one belong to it (a command's arguments), joined by one space. */
  private static List<String> merged(List<String> fields, int columns) {
    if (fields.size() <= columns) {
      return fields;
    }
    List<String> row = new ArrayList<>(fields.subList(0, columns - 1));
    row.add(String.join(" ", fields.subList(columns - 1, fields.size())));
    return row;
  }
}
