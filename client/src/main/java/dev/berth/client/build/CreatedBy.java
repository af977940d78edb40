package dev.berth.client.build;

import java.util.List;
import java.util.stream.Collectors;

/**
 * History's {@code created_by} as Docker's legacy builder writes it: the stage's shell and
 * {@code #(nop)} for what runs nothing, Go's {@code %q} and {@code %v} of lists where Docker formats
 * them so.
 */
final class CreatedBy {
  private CreatedBy() {}

  /** A metadata instruction's: {@code /bin/sh -c #(nop)  CMD ["sh"]} (two spaces, as Docker's). */
  static String nop(List<String> shell, String comment) {
    return String.join(" ", shell) + " #(nop)  " + comment;
  }

  /** COPY's and ADD's: {@code /bin/sh -c #(nop) COPY file:HASH in /dest } (one space, a trailing one). */
  static String copy(List<String> shell, String comment) {
    return String.join(" ", shell) + " #(nop) " + comment;
  }

  /** RUN's: the command, after {@code |N K=V ...} when build args are set. */
  static String run(List<String> buildArgs, List<String> command) {
    String cmd = String.join(" ", command);
    return buildArgs.isEmpty() ? cmd : "|" + buildArgs.size() + " " + String.join(" ", buildArgs) + " " + cmd;
  }

  /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  static String quoted(List<String> words) {
    return words.stream().map(CreatedBy::quote).collect(Collectors.joining(" ", "[", "]"));
  }

  /** Go's {@code %v} of a string slice: {@code [a b]}. */
  static String plain(List<String> words) {
    return "[" + String.join(" ", words) + "]";
  }

  /** Go's strconv.Quote, for the printable text a Dockerfile holds. */
  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        default -> q.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      }
    }
    return q.append('"').toString();
  }

  /** Go's {@code %q} of an int (a rune): {@code '\x03'}, as HEALTHCHECK's history shows Retries. */
  static String rune(int n) {
    return n >= 0x20 && n < 0x7f ? "'" + (char) n + "'" : String.format("'\\x%02x'", n);
  }
}
