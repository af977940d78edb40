package dev.berth.ctl.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How listings are printed: aligned tables for people, JSON for scripts. */
public final class Output {
  /** The value of {@code --format}. */
  enum Format { TABLE, JSON }

  /** Spaces between table columns, as docker prints them. */
  private static final int GAP = 3;
  /** The narrowest a column and its gap are, as docker-cli's formatter sets up its tabwriter. */
  private static final int MIN_COLUMN = 10;
  private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final String[] DECIMAL_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private Output() {}

  /**
   * Rows under upper-case headers, each column as wide as its widest cell and at least 10
   * characters with its gap, as docker-cli's tables ({@code IMAGE     COMMAND}).
   */
  public static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>(rows.size() + 1);
    all.add(headers);
    all.addAll(rows);
    lines(out, aligned(all, MIN_COLUMN));
  }

  /**
   * Rows in columns as Go's tabwriter pads the cells docker-cli writes to it: every cell but a
   * line's last padded to its column's widest such cell plus the 3-space gap, and to at least
   * {@code minColumn}; a row may have fewer cells than others. Lines carry no trailing blanks.
   */
  public static List<String> aligned(List<List<String>> rows, int minColumn) {
    List<Integer> widths = new ArrayList<>();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() - 1; i++) {
        int width = Math.max(minColumn, row.get(i).length() + GAP);
        if (i == widths.size()) {
          widths.add(width);
        } else {
          widths.set(i, Math.max(widths.get(i), width));
        }
      }
    }
    List<String> lines = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths.get(i) - cell.length()));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /**
   * Prints {@code lines} in one write, as Docker's formatters write a listing from one buffer: a
   * reader that stops after the first line ({@code berthctl ps --format json | head -1}) has then
   * had the whole listing, so berthctl is not ended by a broken pipe, which a script under
   * {@code set -o pipefail} would take for a failure. (Flushed line by line, the second line
   * found the pipe closed.)
   */
  public static void lines(PrintWriter out, List<String> lines) {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    out.print(text);
    out.flush();
  }

  /**
   * {@code value} (maps, lists, strings, numbers) as indented JSON laid out as docker prints it
   * (four spaces, {@code "Key": value}, every array element on a line of its own, {@code []}),
   * so that what scripts grep in docker's output is found in this one.
   */
  public static void json(PrintWriter out, Object value) {
    DefaultIndenter indenter = new DefaultIndenter("    ", "\n");
    DefaultPrettyPrinter dockerLayout = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator(""))
        .withObjectIndenter(indenter).withArrayIndenter(indenter);
    try {
      out.println(Json.mapper().writer(dockerLayout).writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Docker's {@code --format json} of a listing: each row a line of compact JSON, its keys sorted
   * and {@code <}, {@code >} and {@code &} escaped, as Go's encoder writes {@code {{json .}}}, so
   * that {@code berthctl ps --format json | jq .Names} works as with docker.
   */
  public static void jsonLines(PrintWriter out, List<? extends Map<String, ?>> rows) {
    lines(out, rows.stream().map(row -> compactJson(new TreeMap<>(row)).replace("<", "\\u003c")
        .replace(">", "\\u003e").replace("&", "\\u0026")).toList());
  }

  /** {@code value} as JSON on one line, for streams of objects (events). */
  public static String compactJson(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print JSON: " + e.getMessage(), e);
    }
  }

  /**
   * A size as docker shows image, container, layer and traffic sizes: powers of 1000 to three
   * significant digits, no space ({@code 512B}, {@code 4.26MB}, {@code 130MB}).
   */
  public static String size(long bytes) {
    return scaled(bytes, 1000, DECIMAL_UNITS, 3);
  }

  /** A size as docker's {@code system df} and prune totals show it: four significant digits ({@code 4.261MB}). */
  public static String preciseSize(long bytes) {
    return scaled(bytes, 1000, DECIMAL_UNITS, 4);
  }

  /** Memory as docker shows it: powers of 1024, four significant digits ({@code 1.984MiB}, {@code 32MiB}). */
  public static String memory(long bytes) {
    return scaled(bytes, 1024, BINARY_UNITS, 4);
  }

  private static String scaled(long bytes, int base, String[] units, int digits) {
    BigDecimal value = BigDecimal.valueOf(bytes);
    BigDecimal step = BigDecimal.valueOf(base);
    int unit = 0;
    while (value.compareTo(step) >= 0 && unit < units.length - 1) {
      value = value.divide(step);
      unit++;
    }
    return value.round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString()
        + units[unit];
  }

  /** Labels as {@code k=v,k2=v2}, sorted by key. */
  public static String labels(Map<String, String> labels) {
    return new TreeMap<>(labels).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
