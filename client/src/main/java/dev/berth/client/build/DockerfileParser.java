package dev.berth.client.build;

import dev.berth.client.containers.JsonForm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile as Docker's parser does: parser directives at the top ({@code # escape=`}),
 * comment lines (also between continuation lines), lines continued with the escape character, the
 * keyword, leading {@code --flag=value} words, and the JSON form of the instructions that have one.
 */
public final class DockerfileParser {
  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
  /** The instructions that take a JSON array of strings in place of their shell form. */
  private static final Set<String> JSON_FORMS = Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME");
  /** The instructions whose shell form may open here-documents, as BuildKit's frontend reads them. */
  private static final Set<String> HEREDOC_KEYWORDS = Set.of("RUN", "COPY", "ADD");
  /**
   * The Dockerfile frontend images a {@code # syntax=} directive may name: BuildKit's stable
   * {@code docker/dockerfile} of version 1, which this parser and the builder follow.
   */
  private static final Pattern BUILT_IN_SYNTAX = Pattern.compile(
      "(docker\\.io/)?docker/dockerfile(:1(\\.\\d+){0,2})?(@sha256:[0-9a-f]{64})?");
  private static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME",
      "ENV", "ARG", "LABEL", "EXPOSE", "USER", "WORKDIR", "STOPSIGNAL", "HEALTHCHECK", "MAINTAINER", "ONBUILD");

  private DockerfileParser() {}

  /**
   * The build's Dockerfile, {@code name} as Docker's CLI sends it (relative to the context), which
   * Docker's daemon names when refusing one that is empty or has no instruction.
   *
   * @throws DockerfileException for what Docker's parser refuses, with its line
   */
  public static Dockerfile parse(String text, String name) {
    if (text.isEmpty()) {
      throw new DockerfileException("the Dockerfile (" + name + ") cannot be empty");
    }
    Dockerfile dockerfile = parse(text);
    if (dockerfile.instructions().isEmpty()) {
      throw new DockerfileException("failed to parse " + name + ": file with no instructions");
    }
    return dockerfile;
  }

  /** @throws DockerfileException for what Docker's parser refuses, with its line */
  public static Dockerfile parse(String text) {
    // a byte-order mark, as editors on Windows write, is dropped as Docker's parser drops it
    String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
    char escape = '\\';
    int n = 0;
    // directives come first, before any other comment, blank line or instruction
    for (; n < lines.length; n++) {
      Matcher m = DIRECTIVE.matcher(lines[n]);
      if (!m.matches()) {
        break;
      }
      if (m.group(1).equalsIgnoreCase("escape")) {
        if (!m.group(2).equals("\\") && !m.group(2).equals("`")) {
          throw new DockerfileException("invalid escape token '" + m.group(2) + "' does not match ` or \\");
        }
        escape = m.group(2).charAt(0);
      } else if (m.group(1).equalsIgnoreCase("syntax")) {
        checkSyntax(m.group(2));
      }
    }
    List<Instruction> instructions = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int start = n;
      StringBuilder logical = new StringBuilder();
      boolean emptyContinuation = false;
      while (line.charAt(line.length() - 1) == escape) {
        logical.append(line, 0, line.length() - 1);
        // comments and blank lines within a continued instruction are left out
        do {
          n++;
          // what follows the text's last line end is no line
          emptyContinuation |= n < lines.length && lines[n].isBlank() && !(n == lines.length - 1 && lines[n].isEmpty());
        } while (n < lines.length && (lines[n].isBlank() || lines[n].strip().startsWith("#")));
        if (n == lines.length) {
          line = "";
          break;
        }
        // as Docker's parser: a continuation line keeps its leading whitespace
        line = lines[n].stripTrailing();
      }
      logical.append(line);
      if (emptyContinuation) {
        // Docker's words (BuildKit's parser, vendored in moby v27)
        warnings.add("[WARNING]: Empty continuation line found in: " + logical);
      }
      Instruction instruction = instruction(logical.toString().strip(), start + 1);
      if (opensHeredocs(instruction) && logical.indexOf("<<") >= 0) {
        List<Heredoc> heredocs = new ArrayList<>();
        for (String word : rawWords(logical.toString())) {
          Heredoc opened = Heredoc.opened(word);
          if (opened == null) {
            continue;
          }
          if (!opened.namesAFile()) {
            throw DockerfileException.atLine(start + 1, "invalid heredoc name \"" + opened.name()
                + "\": berthctl build refuses a name with / or that is . or .., as files are named after it");
          }
          // the lines after the instruction's, up to the terminator, are the content
          StringBuilder content = new StringBuilder();
          while (true) {
            n++;
            if (n >= lines.length || n == lines.length - 1 && lines[n].isEmpty()) {
              throw DockerfileException.atLine(start + 1, "unterminated heredoc");
            }
            if (opened.endsAt(lines[n])) {
              break;
            }
            content.append(lines[n]).append('\n');
          }
          heredocs.add(opened.withContent(content.toString()));
        }
        instruction = new Instruction(instruction.keyword(), instruction.flags(), instruction.arguments(),
            null, instruction.original(), instruction.line(), heredocs, instruction.mounts());
      }
      instructions.add(instruction);
    }
    if (!warnings.isEmpty()) {
      warnings.add("[WARNING]: Empty continuation lines will become errors in a future release.");
    }
    return new Dockerfile(instructions, escape, warnings);
  }

  private static Instruction instruction(String text, int line) {
    int space = firstSpace(text);
    String word = space < 0 ? text : text.substring(0, space);
    String keyword = word.toUpperCase(Locale.ROOT);
    if (!KEYWORDS.contains(keyword)) {
      // as written, with the nearest instruction, as Docker's parser words it
      throw DockerfileException.atLine(line,
          "unknown instruction: " + word + InstructionSuggestion.of(word, KEYWORDS));
    }
    String rest = space < 0 ? "" : text.substring(space).strip();
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> mounts = new ArrayList<>();
    while (rest.startsWith("--")) {
      int end = firstSpace(rest);
      String flag = end < 0 ? rest : rest.substring(0, end);
      if (flag.equals("--")) {
        break;
      }
      int eq = flag.indexOf('=');
      String name = eq < 0 ? flag.substring(2) : flag.substring(2, eq);
      String value = eq < 0 ? "" : flag.substring(eq + 1);
      flags.put(name, value);
      if (name.equals("mount")) {
        mounts.add(value);
      }
      rest = end < 0 ? "" : rest.substring(end).strip();
    }
    List<String> json = JSON_FORMS.contains(keyword) && rest.startsWith("[") ? JsonForm.strings(rest) : null;
    return new Instruction(keyword, flags, rest, json, text, line, List.of(), mounts);
  }

  /**
   * Refuses a {@code # syntax=} directive naming a frontend other than BuildKit's stable one, which
   * is built in: berthctl cannot pull and run a frontend image.
   */
  private static void checkSyntax(String image) {
    if (!BUILT_IN_SYNTAX.matcher(image).matches()) {
      throw new DockerfileException("the syntax directive (# syntax=" + image + ") names a Dockerfile frontend "
          + "that berthctl build does not have: it reads Dockerfiles as docker/dockerfile:1 only, which "
          + "# syntax=docker/dockerfile:1 (or no syntax directive) asks for");
    }
  }

  /** Whether the instruction's shell form may open here-documents: RUN, COPY, ADD, or ONBUILD of one. */
  private static boolean opensHeredocs(Instruction i) {
    if (i.keyword().equals("ONBUILD")) {
      String trigger = i.arguments().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      return HEREDOC_KEYWORDS.contains(trigger) && !i.arguments().matches("(?s)\\S+\\s+\\[.*");
    }
    return HEREDOC_KEYWORDS.contains(i.keyword()) && !i.execForm();
  }

  /** The line's words split at whitespace outside quotes, quotes and escapes kept, as BuildKit finds here-documents. */
  private static List<String> rawWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quote == 0 && Character.isWhitespace(ch)) {
        if (!word.isEmpty()) {
          words.add(word.toString());
          word.setLength(0);
        }
        continue;
      }
      word.append(ch);
      if (ch == '\\' && quote != '\'' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
      } else if (quote == 0 && (ch == '\'' || ch == '"')) {
        quote = ch;
      } else if (ch == quote) {
        quote = 0;
      }
    }
    if (!word.isEmpty()) {
      words.add(word.toString());
    }
    return words;
  }

  private static int firstSpace(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
