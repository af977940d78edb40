package dev.berth.ctl.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host's ps output cut down to a container's processes and laid out as {@code docker top} lays it out: Docker's
 * daemon splits each line into the header's fields (the last one, the command, keeps the rest of the line), and its
 * CLI prints them in columns at least 20 characters wide with 3 spaces between them.
 */
final class PsTable {
  private static final int MIN_WIDTH = 20;
  private static final int PADDING = 3;

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
    return laidOut(rows);
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

  /** Every column but a line's last padded to the widest cell plus 3, and at least 20, as Go's tabwriter pads. */
  private static List<String> laidOut(List<List<String>> rows) {
    List<Integer> widths = new ArrayList<>();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() - 1; i++) {
        int width = Math.max(MIN_WIDTH, row.get(i).length() + PADDING);
        if (i == widths.size()) {
          widths.add(width);
        } else {
          widths.set(i, Math.max(widths.get(i), width));
        }
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size() - 1; i++) {
        line.append(row.get(i)).append(" ".repeat(widths.get(i) - row.get(i).length()));
      }
      lines.add(line.append(row.get(row.size() - 1)).toString());
    }
    return lines;
  }
}
