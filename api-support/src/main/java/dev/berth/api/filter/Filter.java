package dev.berth.api.filter;

import dev.berth.api.grpc.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * containerd's filter language for List calls: a filter is selectors joined by ',' (all must
 * match); a request's several filters match if any does. A selector is a field path, optionally
 * followed by an operator ({@code ==}, {@code !=}, {@code ~=} for a regular expression) and a
 * value. Field path elements and values may be quoted with double quotes, e.g.
 * {@code labels."com.example/name"==web}.
 */
public final class Filter {
  /** Gives the value of a field path of one record, if it has one. */
  @FunctionalInterface
  public interface Fields {
    Optional<String> get(List<String> path);

    /**
     * Every value of a field path, for a record that has several (a network's subnets): a selector
     * matches when one of them does, and {@code !=} when none equals its value.
     */
    default List<String> values(List<String> path) {
      return get(path).stream().toList();
    }
  }

  private enum Op { PRESENT, EQUAL, NOT_EQUAL, MATCHES }

  private record Selector(List<String> path, Op op, String value, Pattern regex) {
    boolean matches(Fields fields) {
      List<String> v = fields.values(path);
      return switch (op) {
        case PRESENT -> !v.isEmpty();
        case EQUAL -> v.contains(value);
        case NOT_EQUAL -> !v.contains(value);
        case MATCHES -> v.stream().anyMatch(one -> regex.matcher(one).find());
      };
    }
  }

  private final List<List<Selector>> alternatives;
  private final List<String> sources;

  private Filter(List<List<Selector>> alternatives, List<String> sources) {
    this.alternatives = alternatives;
    this.sources = sources;
  }

  /** Parses a request's filters; none at all matches everything. INVALID_ARGUMENT on bad syntax. */
  public static Filter parse(List<String> filters) {
    List<List<Selector>> alternatives = new ArrayList<>();
    for (String f : filters) {
      if (!f.isBlank()) {
        alternatives.add(new Parser(f).parse());
      }
    }
    return new Filter(alternatives, List.copyOf(filters));
  }

  /**
   * {@code value} as a quoted filter value that {@link #parse} reads back as it is, whatever
   * quotes, backslashes, commas or spaces it holds: for a value that comes from a user.
   */
  public static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** The filters as given to {@link #parse}, for a client to send on in its request. */
  public List<String> sources() {
    return sources;
  }

  public boolean matches(Fields fields) {
    if (alternatives.isEmpty()) {
      return true;
    }
    for (List<Selector> all : alternatives) {
      if (all.stream().allMatch(s -> s.matches(fields))) {
        return true;
      }
    }
    return false;
  }

  private static final class Parser {
    private final String input;
    private int pos;

    Parser(String input) {
      this.input = input;
    }

    List<Selector> parse() {
      List<Selector> selectors = new ArrayList<>();
      do {
        skipSpaces();
        selectors.add(selector());
        skipSpaces();
      } while (consume(","));
      if (pos != input.length()) {
        throw error("unexpected " + input.charAt(pos));
      }
      return selectors;
    }

    private Selector selector() {
      List<String> path = new ArrayList<>();
      path.add(field());
      while (consume(".")) {
        path.add(field());
      }
      skipSpaces();
      Op op;
      if (consume("==")) {
        op = Op.EQUAL;
      } else if (consume("!=")) {
        op = Op.NOT_EQUAL;
      } else if (consume("~=")) {
        op = Op.MATCHES;
      } else {
        return new Selector(path, Op.PRESENT, null, null);
      }
      skipSpaces();
      String value = value();
      Pattern regex = null;
      if (op == Op.MATCHES) {
        try {
          regex = Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          throw error("bad regular expression " + value);
        }
      }
      return new Selector(path, op, value, regex);
    }

    private String field() {
      if (peek() == '"') {
        return quoted();
      }
      int start = pos;
      while (pos < input.length() && (Character.isLetterOrDigit(input.charAt(pos)) || input.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a field name");
      }
      return input.substring(start, pos);
    }

    private String value() {
      if (peek() == '"' || peek() == '/') {
        return quoted();
      }
      int start = pos;
      while (pos < input.length() && input.charAt(pos) != ',' && !Character.isWhitespace(input.charAt(pos))) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a value");
      }
      return input.substring(start, pos);
    }

    private String quoted() {
      char quote = input.charAt(pos++);
      StringBuilder b = new StringBuilder();
      while (pos < input.length() && input.charAt(pos) != quote) {
        char c = input.charAt(pos++);
        if (c == '\\' && pos < input.length()) {
          c = input.charAt(pos++);
        }
        b.append(c);
      }
      if (pos >= input.length()) {
        throw error("unterminated quoted string");
      }
      pos++;
      return b.toString();
    }

    private char peek() {
      return pos < input.length() ? input.charAt(pos) : 0;
    }

    private boolean consume(String token) {
      if (input.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    private void skipSpaces() {
      while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
        pos++;
      }
    }

    private RuntimeException error(String what) {
      return Errors.invalidArgument("filter %s: %s at position %d", input, what, pos);
    }
  }
}
