package dev.berth.client.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A context's {@code .dockerignore}, with Docker's rules: one pattern a line ({@code #} lines and
 * blank ones skipped), cleaned as a path, a leading {@code /} dropped; {@code *} and {@code ?}
 * match within one path element, {@code **} any number of them, {@code [...]} a class, the escape
 * character the next one. A path is excluded when it or one of its parent directories matches
 * the last pattern that matches it, unless that pattern begins with {@code !} (an exception).
 */
public final class DockerIgnore {
  private record Rule(String text, Pattern pattern, boolean exception) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  public static DockerIgnore none() {
    return new DockerIgnore(List.of());
  }

  public static DockerIgnore parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      String pattern = line.strip();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      boolean exception = pattern.startsWith("!");
      if (exception) {
        pattern = pattern.substring(1).strip();
      }
      pattern = clean(pattern);
      if (pattern.length() > 1 && pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      rules.add(new Rule(pattern, Pattern.compile(regex(pattern)), exception));
    }
    return new DockerIgnore(List.copyOf(rules));
  }

  /** Whether {@code path} (relative to the context, {@code /}-separated) is left out of it. */
  public boolean excludes(String path) {
    boolean excluded = false;
    List<String> parents = parents(path);
    for (Rule rule : rules) {
      boolean matches = rule.pattern().matcher(path).matches()
          || parents.stream().anyMatch(p -> rule.pattern().matcher(p).matches());
      if (matches) {
        excluded = !rule.exception();
      }
    }
    return excluded;
  }

  /** Whether some pattern is an exception ({@code !}), which can bring back what others leave out. */
  public boolean hasExceptions() {
    return rules.stream().anyMatch(Rule::exception);
  }

  /**
   * Whether Docker's CLI, walking the context to send it, goes into the directory {@code dir} although
   * it is left out: only when an exception's text begins under it (moby v27 pkg/archive), so that
   * {@code !dir/keep} brings {@code dir/keep} back but {@code !**}{@code /keep} does not.
   */
  public boolean entersExcluded(String dir) {
    return rules.stream().anyMatch(r -> r.exception() && (r.text() + "/").startsWith(dir + "/"));
  }

  static List<String> parents(String path) {
    List<String> parents = new ArrayList<>();
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      parents.add(path.substring(0, slash));
    }
    return parents;
  }

  /** Go's filepath.Clean of a relative or absolute path: no empty, {@code .} or resolvable {@code ..} elements. */
  static String clean(String path) {
    String cleaned = Path.of("/").resolve(path).normalize().toString();
    if (!path.startsWith("/")) {
      cleaned = cleaned.substring(1);
      if (path.startsWith("..")) {
        cleaned = Path.of(path).normalize().toString();
      }
    }
    return cleaned.isEmpty() ? "." : cleaned;
  }

  /** The pattern as a regular expression over a whole path, as Docker's pattern matcher makes it. */
  static String regex(String pattern) {
    StringBuilder regex = new StringBuilder("^");
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '*') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
            // **/ : any number of directories, none included
            i++;
            regex.append("(.*/)?");
          } else {
            regex.append(".*");
          }
        } else {
          regex.append("[^/]*");
        }
      } else if (ch == '?') {
        regex.append("[^/]");
      } else if (ch == '[') {
        int end = pattern.indexOf(']', i + 1);
        if (end < 0) {
          regex.append("\\[");
        } else {
          String cls = pattern.substring(i + 1, end);
          regex.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1).replace("\\", "\\\\")
              : cls.replace("\\", "\\\\")).append(']');
          i = end;
        }
      } else if (ch == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else {
        regex.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return regex.append('$').toString();
  }
}
