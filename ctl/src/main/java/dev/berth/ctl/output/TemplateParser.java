package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.output.Template.Action;
import dev.berth.ctl.output.Template.Command;
import dev.berth.ctl.output.Template.Field;
import dev.berth.ctl.output.Template.Function;
import dev.berth.ctl.output.Template.If;
import dev.berth.ctl.output.Template.Literal;
import dev.berth.ctl.output.Template.Node;
import dev.berth.ctl.output.Template.Operand;
import dev.berth.ctl.output.Template.Pipeline;
import dev.berth.ctl.output.Template.Range;
import dev.berth.ctl.output.Template.Sub;
import dev.berth.ctl.output.Template.Text;
import dev.berth.ctl.output.Template.Variable;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link Template}: text and {@code {{actions}}} first, then each action's words. */
final class TemplateParser {
  /** An action's words: kind and text. */
  private record Token(char kind, String text) {}

  private static final char FIELD = '.';
  private static final char VARIABLE = '$';
  private static final char STRING = '"';
  private static final char NUMBER = '0';
  private static final char WORD = 'a';
  private static final char PIPE = '|';
  private static final char OPEN = '(';
  private static final char CLOSE = ')';
  private static final char DECLARE = '=';
  private static final char COMMA = ',';
  /** Fields of a parenthesised value: {@code (index .A "k").B}, no space before the dot. */
  private static final char CHAIN = ')' + 1;

  /** The template split into text (String) and actions (List of Token), in order. */
  private final List<Object> items = new ArrayList<>();
  private int next;

  private TemplateParser() {}

  static List<Node> parse(String text) {
    TemplateParser p = new TemplateParser();
    p.split(text);
    List<Node> nodes = new ArrayList<>();
    String end = p.list(nodes);
    if (end != null) {
      throw error("unexpected {{" + end + "}}");
    }
    return nodes;
  }

  private static CommandFailure error(String message) {
    return new CommandFailure("template parsing error: " + message);
  }

  /** Splits {@code text} at its actions, applying trim markers and dropping comments. */
  private void split(String text) {
    int at = 0;
    boolean trimNext = false;
    while (true) {
      int open = text.indexOf("{{", at);
      String before = text.substring(at, open < 0 ? text.length() : open);
      if (trimNext) {
        before = before.stripLeading();
      }
      // Go's trim markers: "{{- " and " -}}", the dash beside whitespace (else it is a number's sign)
      boolean trimBefore = open >= 0 && text.startsWith("{{-", open) && open + 3 < text.length()
          && Character.isWhitespace(text.charAt(open + 3));
      if (trimBefore) {
        before = before.stripTrailing();
      }
      if (!before.isEmpty()) {
        items.add(before);
      }
      if (open < 0) {
        return;
      }
      int start = open + (trimBefore ? 3 : 2);
      int close = closing(text, start);
      String code = text.substring(start, close);
      trimNext = code.length() >= 2 && code.endsWith("-") && Character.isWhitespace(code.charAt(code.length() - 2));
      if (trimNext) {
        code = code.substring(0, code.length() - 1);
      }
      String trimmed = code.strip();
      if (!(trimmed.startsWith("/*") && trimmed.endsWith("*/"))) {
        items.add(tokens(trimmed));
      }
      at = close + 2;
    }
  }

  /** Where the action from {@code start} ends: its {@code }}} outside quotes. */
  private static int closing(String text, int start) {
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '`') {
        i = endOfQuote(text, i);
      } else if (text.startsWith("}}", i)) {
        return i;
      }
    }
    throw error("unclosed action");
  }

  private static int endOfQuote(String text, int open) {
    char quote = text.charAt(open);
    for (int i = open + 1; i < text.length(); i++) {
      if (text.charAt(i) == '\\' && quote == '"') {
        i++;
      } else if (text.charAt(i) == quote) {
        return i;
      }
    }
    throw error("unterminated quoted string");
  }

  private static List<Token> tokens(String code) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < code.length()) {
      char c = code.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '"' || c == '`') {
        i = endOfQuote(code, i) + 1;
        tokens.add(new Token(STRING, unquote(code.substring(start, i))));
      } else if (c == '.' || c == '$') {
        i++;
        while (i < code.length() && (isWordChar(code.charAt(i)) || code.charAt(i) == '.')) {
          i++;
        }
        char kind = c == '$' ? VARIABLE : start > 0 && code.charAt(start - 1) == ')' ? CHAIN : FIELD;
        tokens.add(new Token(kind, code.substring(start, i)));
      } else if (c == ':' && code.startsWith(":=", i)) {
        i += 2;
        tokens.add(new Token(DECLARE, ":="));
      } else if ("|(),".indexOf(c) >= 0) {
        i++;
        tokens.add(new Token(c, String.valueOf(c)));
      } else if (Character.isDigit(c) || c == '-' && i + 1 < code.length() && Character.isDigit(code.charAt(i + 1))) {
        i++;
        while (i < code.length() && (Character.isDigit(code.charAt(i)) || code.charAt(i) == '.')) {
          i++;
        }
        tokens.add(new Token(NUMBER, code.substring(start, i)));
      } else if (isWordChar(c)) {
        while (i < code.length() && isWordChar(code.charAt(i))) {
          i++;
        }
        tokens.add(new Token(WORD, code.substring(start, i)));
      } else {
        throw error("unexpected \"" + c + "\" in action {{" + code + "}}");
      }
    }
    if (tokens.isEmpty()) {
      throw error("missing value for command");
    }
    return tokens;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static String unquote(String quoted) {
    String body = quoted.substring(1, quoted.length() - 1);
    if (quoted.charAt(0) == '`') {
      return body;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\') {
        s.append(c);
        continue;
      }
      char escaped = body.charAt(++i);
      s.append(switch (escaped) {
        case 'n' -> '\n';
        case 't' -> '\t';
        case 'r' -> '\r';
        default -> escaped;
      });
    }
    return s.toString();
  }

  /**
   * Reads nodes into {@code into} up to an {@code else} or {@code end} action (or the end of the
   * template), and returns that action's words ({@code "end"}, {@code "else"}, {@code "else if
   * ..."}) or null at the end of the template.
   */
  @SuppressWarnings("unchecked")
  private String list(List<Node> into) {
    while (next < items.size()) {
      Object item = items.get(next++);
      if (item instanceof String text) {
        into.add(new Text(text));
        continue;
      }
      List<Token> tokens = (List<Token>) item;
      Token first = tokens.get(0);
      if (first.kind() == WORD) {
        switch (first.text()) {
          case "end", "else" -> {
            next--;
            return first.text();
          }
          case "if", "with", "range" -> {
            into.add(block(first.text(), tokens.subList(1, tokens.size())));
            continue;
          }
          case "define", "template", "block", "break", "continue" -> throw error("{{" + first.text()
              + "}} is not supported");
          default -> { }
        }
      }
      into.add(new Action(pipeline(tokens)));
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private Node block(String keyword, List<Token> rest) {
    if (rest.isEmpty()) {
      throw error("missing value for " + keyword);
    }
    Pipeline pipeline = pipeline(rest);
    List<Node> body = new ArrayList<>();
    List<Node> otherwise = new ArrayList<>();
    String end = list(body);
    if ("else".equals(end)) {
      List<Token> elseTokens = (List<Token>) items.get(next++);
      if (elseTokens.size() > 1) {
        // {{else if x}} / {{else with x}}: a block of its own in the else branch, sharing the end
        Token nested = elseTokens.get(1);
        if (nested.kind() != WORD || !(nested.text().equals("if") || nested.text().equals("with"))) {
          throw error("unexpected words after {{else}}");
        }
        otherwise.add(block(nested.text(), elseTokens.subList(2, elseTokens.size())));
        return finish(keyword, pipeline, body, otherwise);
      }
      end = list(otherwise);
    }
    if (!"end".equals(end)) {
      throw error("unexpected EOF: {{" + keyword + "}} without {{end}}");
    }
    next++;
    return finish(keyword, pipeline, body, otherwise);
  }

  private static Node finish(String keyword, Pipeline pipeline, List<Node> body, List<Node> otherwise) {
    return keyword.equals("range") ? new Range(pipeline, body, otherwise)
        : new If(pipeline, keyword.equals("with"), body, otherwise);
  }

  private static Pipeline pipeline(List<Token> tokens) {
    List<String> variables = new ArrayList<>();
    int declare = indexOfKind(tokens, DECLARE);
    if (declare >= 0) {
      for (int i = 0; i < declare; i++) {
        Token t = tokens.get(i);
        if (i % 2 == 0 ? t.kind() != VARIABLE || t.text().contains(".") : t.kind() != COMMA) {
          throw error("bad variable declaration");
        }
        if (i % 2 == 0) {
          variables.add(t.text());
        }
      }
      if (variables.isEmpty() || variables.size() > 2) {
        throw error("too many declarations");
      }
      tokens = tokens.subList(declare + 1, tokens.size());
    }
    List<Command> commands = new ArrayList<>();
    List<Operand> operands = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() == PIPE) {
        commands.add(command(operands));
        operands = new ArrayList<>();
      } else if (t.kind() == OPEN) {
        int close = matching(tokens, i);
        Pipeline inner = pipeline(tokens.subList(i + 1, close));
        List<String> path = List.of();
        if (close + 1 < tokens.size() && tokens.get(close + 1).kind() == CHAIN) {
          path = names(tokens.get(close + 1).text());
          close++;
        }
        operands.add(new Sub(inner, path));
        i = close;
      } else {
        operands.add(operand(t));
      }
    }
    commands.add(command(operands));
    return new Pipeline(variables, commands);
  }

  private static Command command(List<Operand> operands) {
    if (operands.isEmpty()) {
      throw error("missing value for command");
    }
    return new Command(List.copyOf(operands));
  }

  private static int matching(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      depth += tokens.get(i).kind() == OPEN ? 1 : tokens.get(i).kind() == CLOSE ? -1 : 0;
      if (depth == 0) {
        return i;
      }
    }
    throw error("unclosed left paren");
  }

  private static int indexOfKind(List<Token> tokens, char kind) {
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).kind() == kind) {
        return i;
      }
    }
    return -1;
  }

  private static Operand operand(Token t) {
    switch (t.kind()) {
      case FIELD:
        return new Field(names(t.text()));
      case VARIABLE: {
        int dot = t.text().indexOf('.');
        return dot < 0 ? new Variable(t.text(), List.of())
            : new Variable(t.text().substring(0, dot), names(t.text().substring(dot)));
      }
      case STRING:
        return new Literal(TextNode.valueOf(t.text()));
      case NUMBER:
        return new Literal(number(t.text()));
      case WORD:
        return word(t.text());
      default:
        throw error("unexpected \"" + t.text() + "\"");
    }
  }

  private static Operand word(String word) {
    JsonNode constant = switch (word) {
      case "true" -> BooleanNode.TRUE;
      case "false" -> BooleanNode.FALSE;
      case "nil" -> NullNode.getInstance();
      default -> null;
    };
    if (constant != null) {
      return new Literal(constant);
    }
    if (!TemplateFunctions.exists(word)) {
      throw error("function \"" + word + "\" not defined");
    }
    return new Function(word);
  }

  private static JsonNode number(String text) {
    try {
      return text.contains(".") ? DoubleNode.valueOf(Double.parseDouble(text)) : LongNode.valueOf(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw error("bad number syntax: \"" + text + "\"");
    }
  }

  /** {@code .A.B} as [A, B]; {@code .} alone as none. */
  private static List<String> names(String path) {
    if (path.equals(".")) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : path.substring(1).split("\\.", -1)) {
      if (name.isEmpty()) {
        throw error("bad field path \"" + path + "\"");
      }
      names.add(name);
    }
    return names;
  }
}
