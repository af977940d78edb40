package dev.berth.client.containers;

import dev.berth.api.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Dockerfile's shell words, as its parser reads an instruction's arguments (ENV, LABEL, COPY,
 * WORKDIR ...): quotes are dropped; in single quotes everything is as written, in double quotes the
 * escape character escapes only a double quote, a dollar and itself (as in a shell), outside quotes
 * any character. With variables, {@code $V} and {@code ${V}} with the modifiers Docker's builder
 * knows ({@code :-} {@code -} {@code :+} {@code +} {@code :?} {@code ?} {@code #} {@code ##}
 * {@code %} {@code %%} {@code /} {@code //}) are replaced outside single quotes, as it replaces
 * them; an unset variable is empty.
 */
public final class DockerfileWords {
  private static final String MISSING_BRACE = "syntax error: missing '}'";
  /** The whitespace of Docker's parser (buildkit's parser.reWhitespace). */
  private static final Pattern WHITESPACE = Pattern.compile("[\\t\\x0B\\f\\r ]+");
  private final String text;
  private final char escape;
  private final Function<String, String> variables;
  private int pos;
  /** Whether an escape stays in the text, as in a pattern, where it is the pattern's own. */
  private boolean rawEscapes;
  /** Whether quotes are text like any other, neither dropped nor keeping variables from being replaced. */
  private boolean literalQuotes;

  private DockerfileWords(String text, char escape, Function<String, String> variables) {
    this.text = text;
    this.escape = escape;
    this.variables = variables;
  }

  /**
   * The words of {@code text}, split at whitespace outside quotes (a variable's value outside quotes
   * is split too); {@code variables} gives a variable's value or null if unset, or is null itself
   * for no replacement.
   *
   * @throws InvalidValueException for a quote or {@code ${} left open, or an unknown modifier
   */
  public static List<String> split(String text, char escape, Function<String, String> variables) {
    DockerfileWords lexer = new DockerfileWords(text, escape, variables);
    List<String> words = new ArrayList<>();
    lexer.read((char) 0, true, words);
    return words;
  }

  /**
   * The shell form of COPY, ADD and VOLUME as Docker's parser splits it, at whitespace alone: quotes
   * do not hold a part together, and each part is then read as a {@link #word}.
   */
  public static List<String> fields(String text) {
    String stripped = text.strip();
    return stripped.isEmpty() ? List.of() : List.of(WHITESPACE.split(stripped));
  }

  /** The whole of {@code text} as one word: quotes and escapes taken out, spaces kept. */
  public static String word(String text, char escape, Function<String, String> variables) {
    DockerfileWords lexer = new DockerfileWords(text, escape, variables);
    List<String> words = new ArrayList<>();
    lexer.read((char) 0, false, words);
    return words.isEmpty() ? "" : words.get(0);
  }

  /**
   * A here-document's content with its variables replaced, as BuildKit's frontend replaces them in
   * COPY's: quotes are kept and replace within them too; the escape is always a backslash.
   */
  public static String heredoc(String text, Function<String, String> variables) {
    DockerfileWords lexer = new DockerfileWords(text, '\\', variables);
    lexer.literalQuotes = true;
    List<String> words = new ArrayList<>();
    lexer.read((char) 0, false, words);
    return words.isEmpty() ? "" : words.get(0);
  }

  /**
   * Reads up to {@code stop} outside quotes (or the end), adding words to {@code words}; returns
   * whether the stop was found.
   */
  private boolean read(char stop, boolean split, List<String> words) {
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean any = false;
    while (pos < text.length()) {
      char ch = text.charAt(pos++);
      if (quote == 0 && stop != 0 && ch == stop) {
        finish(word, any, words);
        return true;
      }
      if (quote == '\'' && ch != '\'') {
        word.append(ch);
      } else if (ch == escape && pos < text.length() && (quote == 0 || "\"$".indexOf(text.charAt(pos)) >= 0
          || text.charAt(pos) == escape)) {
        if (rawEscapes) {
          word.append(ch);
        }
        word.append(text.charAt(pos++));
        any = true;
      } else if (ch == '$' && variables != null) {
        String value = variable();
        if (value == null) {
          word.append('$');
          any = true;
        } else if (split && quote == 0) {
          // unquoted, a value splits into words as the shell splits it
          for (int n = 0; n < value.length(); n++) {
            if (Character.isWhitespace(value.charAt(n))) {
              any = finish(word, any, words);
            } else {
              word.append(value.charAt(n));
              any = true;
            }
          }
        } else {
          word.append(value);
          any = any || !value.isEmpty() || quote != 0;
        }
      } else if (!literalQuotes && (ch == '\'' && quote != '"' || ch == '"' && quote != '\'')) {
        quote = quote == 0 ? ch : 0;
        any = true;
      } else if (split && quote == 0 && Character.isWhitespace(ch)) {
        any = finish(word, any, words);
      } else {
        word.append(ch);
        any = true;
      }
    }
    if (quote != 0) {
      throw new InvalidValueException("unexpected end of statement while looking for matching "
          + (quote == '"' ? "double-quote" : "single-quote"));
    }
    finish(word, any, words);
    return false;
  }

  /** Adds the word if there is one and empties it; false, for the next word's {@code any}. */
  private static boolean finish(StringBuilder word, boolean any, List<String> words) {
    if (any) {
      words.add(word.toString());
      word.setLength(0);
    }
    return false;
  }

  /** After a {@code $}: the value it stands for ("" if unset), or null when no name follows (a plain {@code $}). */
  private String variable() {
    if (pos >= text.length() || text.charAt(pos) != '{') {
      String name = name();
      return name.isEmpty() ? null : valueOf(name);
    }
    pos++;
    // Docker's forms and words (its lexer: moby/buildkit frontend/dockerfile/shell/lex.go)
    if (pos >= text.length()) {
      throw new InvalidValueException(MISSING_BRACE);
    }
    if ("{}:".indexOf(text.charAt(pos)) >= 0) {
      throw new InvalidValueException("syntax error: bad substitution");
    }
    String name = name();
    if (pos >= text.length()) {
      throw new InvalidValueException(MISSING_BRACE);
    }
    char modifier = text.charAt(pos++);
    if (modifier == '}') {
      return valueOf(name);
    }
    if (modifier == '/') {
      return replaced(name);
    }
    boolean colon = modifier == ':';
    String modifierText = String.valueOf(modifier);
    if (colon && pos < text.length()) {
      modifier = text.charAt(pos++);
      modifierText += modifier;
    }
    if ("+-?#%".indexOf(modifier) < 0 && !colon) {
      throw unsupported(modifierText);
    }
    boolean trim = modifier == '#' || modifier == '%';
    if (colon && trim) {
      throw unsupported(modifierText);
    }
    String word = untilStop('}', trim, MISSING_BRACE);
    String value = variables.apply(name);
    boolean set = value != null && !(colon && value.isEmpty());
    return switch (modifier) {
      case '-' -> set ? value : word;
      case '+' -> set ? word : "";
      case '?' -> {
        if (!set) {
          throw new InvalidValueException(name + ": " + (!word.isEmpty() ? word
              : value == null ? "is not allowed to be unset" : "is not allowed to be empty"));
        }
        yield value;
      }
      case '#', '%' -> {
        boolean greedy = word.startsWith(String.valueOf(modifier));
        String pattern = greedy ? word.substring(1) : word;
        String v = value == null ? "" : value;
        yield modifier == '#' ? ShellPattern.trimPrefix(pattern, v, greedy) : ShellPattern.trimSuffix(pattern, v, greedy);
      }
      default -> throw unsupported(modifierText);
    };
  }

  /** {@code ${V/pattern/replacement}} (or {@code //} for every match) after its first slash. */
  private String replaced(String name) {
    boolean all = pos < text.length() && text.charAt(pos) == '/';
    if (all) {
      pos++;
    }
    String pattern = untilStop('/', true, "syntax error: missing '/' in ${}");
    String replacement = untilStop('}', true, MISSING_BRACE);
    return ShellPattern.replace(pattern, valueOf(name), replacement, all);
  }

  /** A modifier's word, read up to {@code stop} with variables replaced; escapes kept when {@code raw}. */
  private String untilStop(char stop, boolean raw, String missing) {
    boolean outerRaw = rawEscapes;
    rawEscapes = raw;
    try {
      List<String> words = new ArrayList<>();
      if (!read(stop, false, words)) {
        throw new InvalidValueException(missing);
      }
      return words.isEmpty() ? "" : words.get(0);
    } finally {
      rawEscapes = outerRaw;
    }
  }

  private static InvalidValueException unsupported(String modifier) {
    return new InvalidValueException("unsupported modifier (" + modifier + ") in substitution");
  }

  private String valueOf(String name) {
    String value = variables.apply(name);
    return value == null ? "" : value;
  }

  /**
   * A variable's name as the shell reads it: digits alone (a positional parameter), one special
   * parameter character, or letters, digits and underscores.
   */
  private String name() {
    int start = pos;
    if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      return text.substring(start, pos);
    }
    if (pos < text.length() && "@*#?-$!0".indexOf(text.charAt(pos)) >= 0) {
      return text.substring(start, ++pos);
    }
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    return text.substring(start, pos);
  }
}
