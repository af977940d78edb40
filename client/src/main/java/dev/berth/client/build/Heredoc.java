package dev.berth.client.build;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A here-document of RUN, COPY or ADD, as BuildKit's Dockerfile frontend reads one: {@code <<NAME}
 * on the instruction's line, its content the lines that follow up to the one that is {@code NAME}
 * alone. {@code <<-NAME} strips leading tabs (from the terminator line when looking for it, and
 * from the content); quoting any part of the name ({@code <<"EOF"}, {@code <<'EOF'}) leaves the
 * content's variables as written.
 */
record Heredoc(String name, boolean chomp, boolean expand, String content) {
  /** BuildKit's word for a here-document: an optional descriptor, {@code <<}, an optional {@code -}, the name. */
  private static final Pattern WORD = Pattern.compile("^(\\d*)<<(-?)\\s*([^<]*)$");
  private static final Pattern LEADING_TABS = Pattern.compile("(?m)^\\t+");

  /** The here-document {@code word} opens, its content still empty; null if it opens none. */
  static Heredoc opened(String word) {
    Matcher m = WORD.matcher(word);
    if (!m.matches() || m.group(3).isEmpty()) {
      return null;
    }
    String rest = m.group(3);
    StringBuilder name = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < rest.length(); i++) {
      char ch = rest.charAt(i);
      if (quote == 0 && ch == '\\' && i + 1 < rest.length()) {
        name.append(rest.charAt(++i));
      } else if (quote == 0 && (ch == '\'' || ch == '"')) {
        quote = ch;
      } else if (ch == quote) {
        quote = 0;
      } else if (quote == 0 && Character.isWhitespace(ch)) {
        // more than one word: no here-document, as BuildKit reads it
        return null;
      } else {
        name.append(ch);
      }
    }
    if (name.isEmpty()) {
      return null;
    }
    boolean quoted = rest.indexOf('\'') >= 0 || rest.indexOf('"') >= 0;
    return new Heredoc(name.toString(), m.group(2).equals("-"), !quoted, "");
  }

  /**
   * Whether the name can name a file in a directory, as COPY names the file it makes and RUN its
   * {@code #!} script after it: not with a {@code /}, not {@code .} or {@code ..}, which would
   * name a file outside. BuildKit takes any name, into a scratch file system where that is harmless;
   * berthctl writes on the host, as root.
   */
  boolean namesAFile() {
    return !name.contains("/") && !name.equals(".") && !name.equals("..");
  }

  /** Whether {@code line} ends this here-document. */
  boolean endsAt(String line) {
    String candidate = chomp ? line.replaceFirst("^\\t+", "") : line;
    return candidate.equals(name);
  }

  Heredoc withContent(String text) {
    return new Heredoc(name, chomp, expand, text);
  }

  /** The content as the command or file gets it: with {@code <<-}, without leading tabs. */
  String text() {
    return chomp ? LEADING_TABS.matcher(content).replaceAll("") : content;
  }
}
