package dev.berth.ctl.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The functions of {@link Template}: Go's built-ins Docker users reach for ({@code index},
 * {@code slice}, {@code len}, {@code print}, {@code printf}, {@code println}, {@code eq},
 * {@code ne}, {@code lt}, {@code le}, {@code gt}, {@code ge}, {@code not}, {@code and},
 * {@code or}) and Docker's own ({@code json}, {@code join}, {@code split}, {@code lower},
 * {@code upper}, {@code title}, {@code pad}, {@code truncate}); and how values print, as Go's
 * {@code fmt} prints them.
 */
final class TemplateFunctions {
  /** Docker's functions, which in a table's header give back the column's title as it is. */
  private static final Set<String> DOCKER_NAMES = Set.of("json", "join", "split", "lower", "upper", "title", "pad",
      "truncate");
  private static final Set<String> GO_NAMES = Set.of("index", "slice", "len", "print", "println", "printf", "eq", "ne",
      "lt", "le", "gt", "ge", "not", "and", "or");

  private TemplateFunctions() {}

  static boolean exists(String name) {
    return DOCKER_NAMES.contains(name) || GO_NAMES.contains(name);
  }

  /** {@code name} of {@code args} in a table's header, where Docker's functions leave the title as it is. */
  static JsonNode callInHeader(String name, List<JsonNode> args) {
    return DOCKER_NAMES.contains(name) && !args.isEmpty() ? args.get(0) : call(name, args);
  }

  static JsonNode call(String name, List<JsonNode> args) {
    switch (name) {
      case "json":
        return TextNode.valueOf(json(one(name, args)));
      case "index":
        return index(args);
      case "len":
        return len(one(name, args));
      case "join":
        arity(name, args, 2);
        return TextNode.valueOf(elements(args.get(0)).stream().map(TemplateFunctions::print)
            .collect(Collectors.joining(print(args.get(1)))));
      case "split": {
        arity(name, args, 2);
        ArrayNode parts = Json.mapper().createArrayNode();
        for (String part : print(args.get(0)).split(java.util.regex.Pattern.quote(print(args.get(1))), -1)) {
          parts.add(part);
        }
        return parts;
      }
      case "lower":
        return TextNode.valueOf(print(one(name, args)).toLowerCase(Locale.ROOT));
      case "upper":
        return TextNode.valueOf(print(one(name, args)).toUpperCase(Locale.ROOT));
      case "title":
        return TextNode.valueOf(title(print(one(name, args))));
      case "truncate":
        arity(name, args, 2);
        return TextNode.valueOf(truncate(print(args.get(0)), integer(name, args.get(1))));
      case "pad": {
        arity(name, args, 3);
        String text = print(args.get(0));
        // Docker's: nothing to pad, no spaces
        return TextNode.valueOf(text.isEmpty() ? text
            : " ".repeat(integer(name, args.get(1))) + text + " ".repeat(integer(name, args.get(2))));
      }
      case "slice":
        return slice(args);
      case "print":
        return TextNode.valueOf(sprint(args));
      case "println":
        return TextNode.valueOf(args.stream().map(TemplateFunctions::print).collect(Collectors.joining(" ")) + "\n");
      case "printf":
        atLeast(name, args, 1);
        return TextNode.valueOf(printf(print(args.get(0)), args.subList(1, args.size())));
      case "eq":
      case "ne": {
        atLeast(name, args, 1);
        if (args.size() < 2) {
          throw new TemplateError("error calling " + name + ": missing argument for comparison",
              TemplateError.Where.COMMAND);
        }
        boolean equal = false;
        for (JsonNode other : args.subList(1, args.size())) {
          equal |= same(args.get(0), other);
        }
        return BooleanNode.valueOf(name.equals("eq") == equal);
      }
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        arity(name, args, 2);
        int c = compare(name, args.get(0), args.get(1));
        return BooleanNode.valueOf(switch (name) {
          case "lt" -> c < 0;
          case "le" -> c <= 0;
          case "gt" -> c > 0;
          default -> c >= 0;
        });
      }
      case "not":
        return BooleanNode.valueOf(!truth(one(name, args)));
      case "and":
      case "or": {
        atLeast(name, args, 1);
        // Go's: the first argument that decides, else the last
        for (JsonNode a : args) {
          if (truth(a) == name.equals("or")) {
            return a;
          }
        }
        return args.get(args.size() - 1);
      }
      default:
        throw new TemplateError("\"" + name + "\" is not a defined function", TemplateError.Where.FUNCTION);
    }
  }

  /** How Go's {@code fmt} prints a value: lists as {@code [a b]}, objects as {@code map[k:v]}, nil slices as {@code []}. */
  static String print(JsonNode value) {
    return print(value, null);
  }

  /**
   * As {@link #print(JsonNode)}, but with the objects that are not among {@code maps} (by
   * identity; null: every object is a map) printed as Go prints a struct, its fields' values in
   * their order, {@code {v1 v2}}: Docker's inspect runs a template over Go structs, so
   * {@code {{.State}}} is {@code {running true ...}} and a published port {@code {0.0.0.0 8080}}.
   */
  static String print(JsonNode value, Set<JsonNode> maps) {
    return print(value, maps, Map.of());
  }

  /**
   * As {@link #print(JsonNode, Set)}, the structs whose Go type {@code structTypes} gives (by
   * identity) and {@link GoStructLayouts} describes printed with Go's fields in Go's order, those
   * their JSON leaves out as their zero values; other structs' fields in their JSON's order.
   */
  static String print(JsonNode value, Set<JsonNode> maps, Map<JsonNode, String> structTypes) {
    if (value == null || value.isMissingNode()) {
      return "<no value>";
    }
    if (value instanceof NilCollection nil) {
      return nil.printed();
    }
    if (value instanceof GoDuration duration) {
      return duration.printed();
    }
    if (value.isNull()) {
      return "<nil>";
    }
    if (value.isArray()) {
      return elements(value).stream().map(e -> print(e, maps, structTypes))
          .collect(Collectors.joining(" ", "[", "]"));
    }
    if (value.isObject() && maps != null && !maps.contains(value)) {
      return printStruct(value, structTypes.get(value), maps, structTypes);
    }
    if (value.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      value.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      return sorted.entrySet().stream().map(e -> e.getKey() + ":" + print(e.getValue(), maps, structTypes))
          .collect(Collectors.joining(" ", "map[", "]"));
    }
    return value.asText();
  }

  /** {@code struct} as Go prints a value of {@code type}: its fields' values between braces. */
  private static String printStruct(JsonNode struct, String type, Set<JsonNode> maps,
      Map<JsonNode, String> structTypes) {
    List<String> fields = new ArrayList<>();
    Optional<List<GoStructLayouts.Field>> layout = GoStructLayouts.of(type);
    if (layout.isEmpty()) {
      struct.elements().forEachRemaining(field -> fields.add(print(field, maps, structTypes)));
    } else {
      for (GoStructLayouts.Field field : layout.get()) {
        fields.add(field.embedded() != null ? printStruct(struct, field.embedded(), maps, structTypes)
            : print(struct.has(field.jsonKey()) ? struct.get(field.jsonKey()) : field.zero(), maps, structTypes));
      }
    }
    return "{" + String.join(" ", fields) + "}";
  }

  /** Go's truth: false, 0, nil, and empty strings, lists and objects are false. */
  static boolean truth(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.doubleValue() != 0;
    }
    if (value.isTextual()) {
      return !value.textValue().isEmpty();
    }
    return !value.isEmpty();
  }

  /** Compact, as Go's json.Marshal writes. */
  static String json(JsonNode value) {
    if (value.isMissingNode()) {
      return "null";
    }
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new TemplateError("error calling json: " + e.getMessage(), TemplateError.Where.COMMAND);
    }
  }

  private static JsonNode index(List<JsonNode> args) {
    return index(args, map -> null);
  }

  /**
   * Go's {@code index}; a key a map lacks gives the zero value of the map's elements, which
   * {@code elementZero} knows for maps of strings ({@code ""}), pointers ({@code <nil>}) and slices
   * ({@code []}) and a nil map carries ({@link NilCollection#elementZero}); other maps give no value.
   */
  static JsonNode index(List<JsonNode> args, Function<JsonNode, JsonNode> elementZero) {
    atLeast("index", args, 1);
    JsonNode value = args.get(0);
    for (JsonNode key : args.subList(1, args.size())) {
      if (value instanceof NilCollection nil && nil != NilCollection.SLICE) {
        value = nil.elementZero();
      } else if (value.isObject() && !value.has(print(key)) && elementZero.apply(value) != null) {
        value = elementZero.apply(value);
      } else if (value.isObject()) {
        value = value.path(print(key));
      } else if (value.isArray() && key.isIntegralNumber()) {
        int i = key.intValue();
        if (i < 0 || i >= value.size()) {
          throw new TemplateError("error calling index: index out of range: " + i, TemplateError.Where.COMMAND);
        }
        value = value.get(i);
      } else if (value.isMissingNode() || value.isNull()) {
        return MissingNode.getInstance();
      } else {
        throw new TemplateError("error calling index: can't index item of type " + goType(value),
            TemplateError.Where.COMMAND);
      }
    }
    return value;
  }

  /** Go's slice: {@code slice x 1 2} is x[1:2], of a list or of a string's bytes. */
  private static JsonNode slice(List<JsonNode> args) {
    atLeast("slice", args, 1);
    JsonNode value = args.get(0);
    List<JsonNode> indexes = args.subList(1, args.size());
    if (value.isTextual()) {
      byte[] bytes = value.textValue().getBytes(StandardCharsets.UTF_8);
      if (indexes.size() > 2) {
        throw new TemplateError("error calling slice: cannot 3-index slice a string", TemplateError.Where.COMMAND);
      }
      int[] range = range(indexes, bytes.length);
      return TextNode.valueOf(new String(bytes, range[0], range[1] - range[0], StandardCharsets.UTF_8));
    }
    if (!value.isArray()) {
      throw new TemplateError("error calling slice: can't slice item of type " + goType(value),
          TemplateError.Where.COMMAND);
    }
    if (indexes.size() > 3) {
      throw new TemplateError("error calling slice: too many slice indexes: " + indexes.size(),
          TemplateError.Where.COMMAND);
    }
    int[] range = range(indexes.subList(0, Math.min(2, indexes.size())), value.size());
    ArrayNode part = Json.mapper().createArrayNode();
    for (int i = range[0]; i < range[1]; i++) {
      part.add(value.get(i));
    }
    return part;
  }

  /** From and to of slice's indexes over a length, checked as Go checks them. */
  private static int[] range(List<JsonNode> indexes, int length) {
    int from = indexes.isEmpty() ? 0 : integer("slice", indexes.get(0));
    int to = indexes.size() < 2 ? length : integer("slice", indexes.get(1));
    if (from < 0 || to > length || from > to) {
      throw new TemplateError("error calling slice: index out of range: " + (from < 0 ? from : to),
          TemplateError.Where.COMMAND);
    }
    return new int[] {from, to};
  }

  /** Docker's truncate: the first {@code length} characters (runes) of the text. */
  private static String truncate(String text, int length) {
    if (length < 0) {
      throw new TemplateError("error calling truncate: slice bounds out of range [:" + length + "]",
          TemplateError.Where.COMMAND);
    }
    return text.codePointCount(0, text.length()) <= length ? text
        : text.substring(0, text.offsetByCodePoints(0, length));
  }

  private static int integer(String function, JsonNode value) {
    if (!value.isIntegralNumber()) {
      throw new TemplateError("wrong type for value; expected int; got " + goType(value));
    }
    return value.intValue();
  }

  private static JsonNode len(JsonNode value) {
    if (value.isTextual()) {
      // Go's len of a string counts its bytes
      return LongNode.valueOf(value.textValue().getBytes(StandardCharsets.UTF_8).length);
    }
    // a JSON null is mostly Docker's nil list or map ({{len .ExecIDs}} without execs), whose length Go gives as 0
    if (value.isContainerNode() || value.isNull()) {
      return LongNode.valueOf(value.size());
    }
    throw new TemplateError("error calling len: len of type " + goType(value), TemplateError.Where.COMMAND);
  }

  private static List<JsonNode> elements(JsonNode value) {
    List<JsonNode> list = new ArrayList<>();
    if (value.isArray()) {
      value.elements().forEachRemaining(list::add);
    } else if (!value.isMissingNode() && !value.isNull()) {
      throw new TemplateError("wrong type for value; expected []string; got " + goType(value));
    }
    return list;
  }

  /** Go's strings.Title: the first letter of each word upper case, words parted as Go parts them. */
  private static String title(String text) {
    StringBuilder s = new StringBuilder(text.length());
    boolean start = true;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      s.appendCodePoint(start ? Character.toTitleCase(c) : c);
      start = separates(c);
      i += Character.charCount(c);
    }
    return s.toString();
  }

  /** Go's word separator for Title: ASCII but letters, digits and '_'; beyond ASCII, spaces. */
  private static boolean separates(int c) {
    if (c <= 0x7F) {
      return !(Character.isLetterOrDigit(c) || c == '_');
    }
    return !Character.isLetterOrDigit(c) && Character.isWhitespace(c);
  }

  /** Go's Sprint: a space between two operands when neither is a string. */
  private static String sprint(List<JsonNode> args) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0 && !args.get(i).isTextual() && !args.get(i - 1).isTextual()) {
        s.append(' ');
      }
      s.append(print(args.get(i)));
    }
    return s.toString();
  }

  /**
   * Go's Printf for the verbs templates use (%s %v %d %q %x %X %o %f %e %g %t %c %%), with Go's
   * flags, width and precision ({@code %-10s}, {@code %.12s}, {@code %5d}, {@code %08.3f}).
   */
  private static String printf(String format, List<JsonNode> args) {
    StringBuilder s = new StringBuilder();
    int next = 0;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        s.append(c);
        continue;
      }
      int start = ++i;
      while (i < format.length() - 1 && "-+# 0123456789.".indexOf(format.charAt(i)) >= 0) {
        i++;
      }
      String modifiers = format.substring(start, i);
      char verb = format.charAt(i);
      if (verb == '%') {
        s.append('%');
        continue;
      }
      if (next == args.size()) {
        s.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      s.append(formatted(modifiers, verb, args.get(next++)));
    }
    return s.toString();
  }

  /** One verb of {@link #printf} with its flags, width and precision, as Go's fmt writes it. */
  private static String formatted(String modifiers, char verb, JsonNode arg) {
    try {
      return goFormat("%" + modifiers.replace("#", ""), verb, arg);
    } catch (java.util.IllegalFormatException e) {
      throw new TemplateError("error calling printf: %" + modifiers + verb + " cannot be applied: " + e.getMessage(),
          TemplateError.Where.COMMAND);
    }
  }

  private static String goFormat(String spec, char verb, JsonNode arg) {
    return switch (verb) {
      case 's', 'v' -> String.format(Locale.ROOT, spec + "s", print(arg));
      case 'q' -> String.format(Locale.ROOT, spec + "s", json(TextNode.valueOf(print(arg))));
      case 't' -> String.format(Locale.ROOT, spec + "s", print(arg));
      case 'd', 'x', 'X', 'o' -> arg.isIntegralNumber()
          ? String.format(Locale.ROOT, spec + verb, arg.bigIntegerValue())
          : verb == 'd' ? "%!d(" + goType(arg) + "=" + print(arg) + ")"
          : String.format(Locale.ROOT, spec + "s", hex(print(arg), verb == 'X'));
      case 'f', 'e', 'g' -> arg.isNumber() ? String.format(Locale.ROOT, spec + verb, arg.doubleValue())
          : "%!" + verb + "(" + goType(arg) + "=" + print(arg) + ")";
      case 'c' -> arg.isIntegralNumber() ? new String(Character.toChars(arg.intValue()))
          : "%!c(" + goType(arg) + "=" + print(arg) + ")";
      default -> throw new TemplateError("error calling printf: verb %" + verb + " is not supported",
          TemplateError.Where.COMMAND);
    };
  }

  /** Go's %x of a string: its bytes in hex. */
  private static String hex(String text, boolean upper) {
    String hex = java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return upper ? hex.toUpperCase(Locale.ROOT) : hex;
  }

  /** The Go type name Printf shows for a value of the wrong kind. */
  static String goType(JsonNode value) {
    return value.isTextual() ? "string" : value.isBoolean() ? "bool" : value.isNumber() ? "float64"
        : value.isArray() ? "[]interface {}" : "map[string]interface {}";
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return print(a).equals(print(b)) && a.isTextual() == b.isTextual();
  }

  private static int compare(String name, JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    if (a.isTextual() && b.isTextual()) {
      return a.textValue().compareTo(b.textValue());
    }
    throw new TemplateError("error calling " + name + ": incompatible types for comparison",
        TemplateError.Where.COMMAND);
  }

  private static JsonNode one(String name, List<JsonNode> args) {
    arity(name, args, 1);
    return args.get(0);
  }

  private static void arity(String name, List<JsonNode> args, int n) {
    if (args.size() != n) {
      throw wrong(name, Integer.toString(n), args.size());
    }
  }

  /** For Go's variadic functions: at least {@code n} arguments. */
  private static void atLeast(String name, List<JsonNode> args, int n) {
    if (args.size() < n) {
      throw wrong(name, "at least " + n, args.size());
    }
  }

  /** Go's words for a call with too few or too many arguments, at the function's name. */
  private static TemplateError wrong(String name, String wanted, int got) {
    return new TemplateError("wrong number of args for " + name + ": want " + wanted + " got " + got,
        TemplateError.Where.FUNCTION);
  }
}
