package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
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

/**
 * Reads a {@link Template}: text and {@code {{actions}}} first, then each action's words. Every
 * word keeps where it stands in the template, so that errors name the line as Go's parser does
 * ({@code template: :1: function "x" not defined}) and the nodes the position Go's execution
 * errors give.
 */
final class TemplateParser {
  /**
   * An action's words: kind, text (a string's unquoted), offset in the template and, for Go's
   * error context, the text as written.
   */
  private record Token(char kind, String text, int pos, String raw) {
    Token(char kind, String text, int pos) {
      this(kind, text, pos, text);
    }
  }

  /** An action's words and where its {@code {{} stands. */
  private record ActionItem(List<Token> tokens, int open) {}

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

  private final String name;
  private final String text;
  /** The template split into text (String) and actions ({@link ActionItem}), in order. */
  private final List<Object> items = new ArrayList<>();
  private int next;

  private TemplateParser(String name, String text) {
    this.name = name;
    this.text = text;
  }

  /** @param name the template's name in error messages (Docker's are "" but version's) */
  static List<Node> parse(String name, String text) {
    TemplateParser p = new TemplateParser(name, text);
    p.split();
    List<Node> nodes = new ArrayList<>();
    String end = p.list(nodes);
    if (end != null) {
      throw p.error("unexpected {{" + end + "}}", ((ActionItem) p.items.get(p.next)).tokens().get(0).pos());
    }
    return nodes;
  }

  /** The line of offset {@code pos}, counted from 1 as Go counts it. */
  static int line(String text, int pos) {
    int line = 1;
    for (int i = 0; i < pos && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Go's parse error, with the line of the word at {@code pos}; Docker's commands print it after words of their own. */
  private TemplateFailure error(String message, int pos) {
    return new TemplateFailure("template: " + name + ":" + line(text, pos) + ": " + message, "", 1);
  }

  /** Splits the text at its actions, applying trim markers and dropping comments. */
  private void split() {
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
      int close = closing(start);
      String code = text.substring(start, close);
      trimNext = code.length() >= 2 && code.endsWith("-") && Character.isWhitespace(code.charAt(code.length() - 2));
      if (trimNext) {
        code = code.substring(0, code.length() - 1);
      }
      String trimmed = code.strip();
      if (!(trimmed.startsWith("/*") && trimmed.endsWith("*/"))) {
        items.add(new ActionItem(tokens(code, start, open), open));
      }
      at = close + 2;
    }
  }

  /** Where the action from {@code start} ends: its {@code }}} outside quotes. */
  private int closing(int start) {
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '`') {
        i = endOfQuote(text, i, 0);
      } else if (text.startsWith("}}", i)) {
        return i;
      }
    }
    throw error("unclosed action", text.length());
  }

  /** @param base where {@code code} stands in the template */
  private int endOfQuote(String code, int open, int base) {
    char quote = code.charAt(open);
    for (int i = open + 1; i < code.length(); i++) {
      if (code.charAt(i) == '\\' && quote == '"') {
        i++;
      } else if (code.charAt(i) == quote) {
        return i;
      }
    }
    throw error("unterminated quoted string", base + open);
  }

  /**
   * The words of an action's {@code code}, which starts at offset {@code base} of the template;
   * {@code open} is where its {@code {{} stands.
   */
  private List<Token> tokens(String code, int base, int open) {
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
        i = endOfQuote(code, i, base) + 1;
        String quoted = code.substring(start, i);
        tokens.add(new Token(STRING, unquote(quoted), base + start, quoted));
      } else if (c == '.' || c == '$') {
        i++;
        while (i < code.length() && (isWordChar(code.charAt(i)) || code.charAt(i) == '.')) {
          i++;
        }
        char kind = c == '$' ? VARIABLE : start > 0 && code.charAt(start - 1) == ')' ? CHAIN : FIELD;
        tokens.add(new Token(kind, code.substring(start, i), base + start));
      } else if (c == ':' && code.startsWith(":=", i)) {
        i += 2;
        tokens.add(new Token(DECLARE, ":=", base + start));
      } else if ("|(),".indexOf(c) >= 0) {
        i++;
        tokens.add(new Token(c, String.valueOf(c), base + start));
      } else if (Character.isDigit(c) || c == '-' && i + 1 < code.length() && Character.isDigit(code.charAt(i + 1))) {
        i++;
        while (i < code.length() && (Character.isDigit(code.charAt(i)) || code.charAt(i) == '.')) {
          i++;
        }
        tokens.add(new Token(NUMBER, code.substring(start, i), base + start));
      } else if (isWordChar(c)) {
        while (i < code.length() && isWordChar(code.charAt(i))) {
          i++;
        }
        tokens.add(new Token(WORD, code.substring(start, i), base + start));
      } else {
        throw error("unexpected \"" + c + "\" in action {{" + code.strip() + "}}", base + start);
      }
    }
    if (tokens.isEmpty()) {
      throw error("missing value for command", open);
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
   * template), and returns that action's first word ({@code "end"} or {@code "else"}) or null at
   * the end of the template.
   */
  private String list(List<Node> into) {
    while (next < items.size()) {
      Object item = items.get(next++);
      if (item instanceof String part) {
        into.add(new Text(part));
        continue;
      }
      List<Token> tokens = ((ActionItem) item).tokens();
      Token first = tokens.get(0);
      if (first.kind() == WORD) {
        switch (first.text()) {
          case "end", "else" -> {
            next--;
            return first.text();
          }
          case "if", "with", "range" -> {
            into.add(block(first, tokens.subList(1, tokens.size())));
            continue;
          }
          case "define", "template", "block", "break", "continue" -> throw error("{{" + first.text()
              + "}} is not supported", first.pos());
          default -> { }
        }
      }
      into.add(new Action(pipeline(tokens)));
    }
    return null;
  }

  private Node block(Token keyword, List<Token> rest) {
    if (rest.isEmpty()) {
      throw error("missing value for " + keyword.text(), keyword.pos());
    }
    Pipeline pipeline = pipeline(rest);
    List<Node> body = new ArrayList<>();
    List<Node> otherwise = new ArrayList<>();
    String end = list(body);
    if ("else".equals(end)) {
      List<Token> elseTokens = ((ActionItem) items.get(next++)).tokens();
      if (elseTokens.size() > 1) {
        // {{else if x}} / {{else with x}}: a block of its own in the else branch, sharing the end
        Token nested = elseTokens.get(1);
        if (nested.kind() != WORD || !(nested.text().equals("if") || nested.text().equals("with"))) {
          throw error("unexpected " + nested.raw() + " in else", nested.pos());
        }
        otherwise.add(block(nested, elseTokens.subList(2, elseTokens.size())));
        return finish(keyword.text(), pipeline, body, otherwise);
      }
      end = list(otherwise);
    }
    if (!"end".equals(end)) {
      // Go's words: the template ended inside the block
      throw error("unexpected EOF", text.length());
    }
    next++;
    return finish(keyword.text(), pipeline, body, otherwise);
  }

  private static Node finish(String keyword, Pipeline pipeline, List<Node> body, List<Node> otherwise) {
    return keyword.equals("range") ? new Range(pipeline, body, otherwise)
        : new If(pipeline, keyword.equals("with"), body, otherwise);
  }

  private Pipeline pipeline(List<Token> tokens) {
    int pos = tokens.get(0).pos();
    List<String> variables = new ArrayList<>();
    int declare = indexOfKind(tokens, DECLARE);
    if (declare >= 0) {
      for (int i = 0; i < declare; i++) {
        Token t = tokens.get(i);
        if (i % 2 == 0 ? t.kind() != VARIABLE || t.text().contains(".") : t.kind() != COMMA) {
          throw error("unexpected \"" + t.raw() + "\" in declaration", t.pos());
        }
        if (i % 2 == 0) {
          variables.add(t.text());
        }
      }
      if (variables.isEmpty() || variables.size() > 2) {
        throw error("too many declarations in pipeline", tokens.get(0).pos());
      }
      if (declare + 1 == tokens.size()) {
        throw error("missing value for command", tokens.get(declare).pos());
      }
      tokens = tokens.subList(declare + 1, tokens.size());
    }
    List<Command> commands = new ArrayList<>();
    List<Operand> operands = new ArrayList<>();
    int commandPos = tokens.get(0).pos();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() == PIPE) {
        commands.add(command(operands, commandPos, t.pos()));
        operands = new ArrayList<>();
        commandPos = i + 1 < tokens.size() ? tokens.get(i + 1).pos() : t.pos();
      } else if (t.kind() == OPEN) {
        int close = matching(tokens, i);
        if (close == i + 1) {
          throw error("missing value for parenthesized pipeline", tokens.get(close).pos());
        }
        Pipeline inner = pipeline(tokens.subList(i + 1, close));
        List<String> path = List.of();
        int chainPos = t.pos();
        if (close + 1 < tokens.size() && tokens.get(close + 1).kind() == CHAIN) {
          Token chain = tokens.get(close + 1);
          path = names(chain);
          chainPos = chain.pos();
          close++;
        }
        operands.add(new Sub(inner, path, chainPos));
        i = close;
      } else {
        operands.add(operand(t));
      }
    }
    commands.add(command(operands, commandPos, tokens.get(tokens.size() - 1).pos()));
    return new Pipeline(variables, commands, pos);
  }

  /** @param at where an empty command was found, for the error */
  private Command command(List<Operand> operands, int pos, int at) {
    if (operands.isEmpty()) {
      throw error("missing value for command", at);
    }
    return new Command(List.copyOf(operands), pos);
  }

  private int matching(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      depth += tokens.get(i).kind() == OPEN ? 1 : tokens.get(i).kind() == CLOSE ? -1 : 0;
      if (depth == 0) {
        return i;
      }
    }
    throw error("unclosed left paren", tokens.get(open).pos());
  }

  private static int indexOfKind(List<Token> tokens, char kind) {
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).kind() == kind) {
        return i;
      }
    }
    return -1;
  }

  private Operand operand(Token t) {
    switch (t.kind()) {
      case FIELD: {
        // Go places a chain of fields (.State.Health) at its second link, as its parser builds it
        int second = t.text().indexOf('.', 1);
        return new Field(names(t), second < 0 ? t.pos() : t.pos() + second);
      }
      case VARIABLE: {
        int dot = t.text().indexOf('.');
        return dot < 0 ? new Variable(t.text(), List.of(), t.pos())
            : new Variable(t.text().substring(0, dot), names(t, t.text().substring(dot)), t.pos() + dot);
      }
      case STRING:
        return new Literal(TextNode.valueOf(t.text()), t.raw(), t.pos());
      case NUMBER:
        return new Literal(number(t), t.text(), t.pos());
      case WORD:
        return word(t);
      default:
        throw error("unexpected \"" + t.raw() + "\" in operand", t.pos());
    }
  }

  private Operand word(Token t) {
    String word = t.text();
    JsonNode constant = switch (word) {
      case "true" -> BooleanNode.TRUE;
      case "false" -> BooleanNode.FALSE;
      case "nil" -> NullNode.getInstance();
      default -> null;
    };
    if (constant != null) {
      return new Literal(constant, word, t.pos());
    }
    if (!TemplateFunctions.exists(word)) {
      throw error("function \"" + word + "\" not defined", t.pos());
    }
    return new Function(word, t.pos());
  }

  private JsonNode number(Token t) {
    String number = t.text();
    try {
      return number.contains(".") ? DoubleNode.valueOf(Double.parseDouble(number))
          : LongNode.valueOf(Long.parseLong(number));
    } catch (NumberFormatException e) {
      throw error("bad number syntax: \"" + number + "\"", t.pos());
    }
  }

  /** The field names of {@code t}: {@code .A.B} as [A, B]; {@code .} alone as none. */
  private List<String> names(Token t) {
    return names(t, t.text());
  }

  private List<String> names(Token t, String path) {
    if (path.equals(".")) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : path.substring(1).split("\\.", -1)) {
      if (name.isEmpty()) {
        throw error("bad field path \"" + path + "\"", t.pos());
      }
      names.add(name);
    }
    return names;
  }
}
