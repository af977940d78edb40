package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Docker's {@code --format} templates: the part of Go's text/template that Docker users write,
 * evaluated over the JSON the command prints otherwise ({@code inspect}'s objects, {@code ps}'s
 * rows, an event). Field paths ({@code {{.State.Status}}}), variables ({@code $}, {@code $k}),
 * pipes, parentheses, {@code range}, {@code if}, {@code with}, {@code else}, trim markers
 * ({@code {{- ... -}}}) and comments; the functions are in {@link TemplateFunctions}, a row's
 * methods ({@code {{.Label "k"}}}) in {@link TemplateMethods}. As in Go, a map's missing key
 * prints {@code <no value>} and a struct's unknown field is an error; {@link TemplateTypes} says
 * which objects are maps.
 *
 * <p>Errors are Go's, with its positions: {@code template: :LINE: ...} for a template that
 * cannot be read, {@code template: :LINE:COL: executing "" at <NODE>: ...} for one that fails,
 * naming the part Go's execution was at, at the byte column Go counts (from 0).
 */
public final class Template {
  /** A part of a template: text, an action, or a block. */
  sealed interface Node permits Text, Action, If, Range {}

  record Text(String text) implements Node {}

  /** {@code {{pipeline}}}: prints its value unless it declares variables. */
  record Action(Pipeline pipeline) implements Node {}

  /** {@code if} and {@code with} (which also sets dot to the value) with their else branch. */
  record If(Pipeline pipeline, boolean with, List<Node> then, List<Node> otherwise) implements Node {}

  record Range(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

  /** A part Go's execution errors name: its offset in the template and the text Go shows for it. */
  sealed interface Located permits Pipeline, Command, Operand {
    int pos();

    String context();
  }

  /** Commands joined by {@code |}, each one's value the last argument of the next; may declare variables. */
  record Pipeline(List<String> variables, List<Command> commands, int pos) implements Located {
    @Override
    public String context() {
      String declared = variables.isEmpty() ? "" : String.join(", ", variables) + " := ";
      return declared + commands.stream().map(Command::context).collect(Collectors.joining(" | "));
    }
  }

  /** A function and its arguments, or one value. */
  record Command(List<Operand> operands, int pos) implements Located {
    @Override
    public String context() {
      return operands.stream().map(o -> o instanceof Sub s && s.path().isEmpty() ? "(" + s.context() + ")"
          : o.context()).collect(Collectors.joining(" "));
    }
  }

  sealed interface Operand extends Located permits Field, Variable, Literal, Function, Sub {}

  /** {@code .A.B} (no names: dot itself). */
  record Field(List<String> path, int pos) implements Operand {
    @Override
    public String context() {
      return "." + String.join(".", path);
    }
  }

  /** {@code $name.A.B}. */
  record Variable(String name, List<String> path, int pos) implements Operand {
    @Override
    public String context() {
      return name + (path.isEmpty() ? "" : "." + String.join(".", path));
    }
  }

  /** A constant, with its text as written. */
  record Literal(JsonNode value, String text, int pos) implements Operand {
    @Override
    public String context() {
      return text;
    }
  }

  record Function(String name, int pos) implements Operand {
    @Override
    public String context() {
      return name;
    }
  }

  /**
   * {@code (pipeline).A.B}; without names Go knows it as the pipeline itself, with them as a
   * chain that stands where its names do ({@code chainPos}).
   */
  record Sub(Pipeline pipeline, List<String> path, int chainPos) implements Operand {
    @Override
    public int pos() {
      return path.isEmpty() ? pipeline.pos() : chainPos;
    }

    @Override
    public String context() {
      return path.isEmpty() ? pipeline.context() : "(" + pipeline.context() + ")." + String.join(".", path);
    }
  }

  private final String name;
  private final String text;
  private final List<Node> nodes;

  private Template(String name, String text, List<Node> nodes) {
    this.name = name;
    this.text = text;
    this.nodes = nodes;
  }

  /**
   * Reads {@code text}, a template without a name, as Docker's are.
   *
   * @throws TemplateFailure "template: :LINE: ..." for what it cannot read
   */
  public static Template parse(String text) {
    return parse("", text);
  }

  /** Reads {@code text}, naming it {@code name} in errors as Go does (Docker's version template is "version"). */
  public static Template parse(String name, String text) {
    return new Template(name, text, TemplateParser.parse(name, text));
  }

  /**
   * The template's text for {@code dot}.
   *
   * @throws TemplateFailure "template: :LINE:COL: executing ..." when it cannot be evaluated (a
   *     field of a string, a range over a number, a function's wrong arguments), with what it
   *     wrote before
   */
  public String render(JsonNode dot) {
    return render(dot, (TemplateContext) null);
  }

  /**
   * As {@link #render(JsonNode)}, {@code dot} being what Docker's {@code context} runs the template
   * over, whose Go type Go's error for a field {@code dot} lacks names (null: none to name).
   */
  public String render(JsonNode dot, TemplateContext context) {
    JsonNode typed = TemplateTypes.typed(dot);
    return render(typed, new Execution(TemplateTypes.maps(typed), TemplateTypes.mapElementZeros(typed),
        TemplateTypes.omittedOfStructs(typed), false, false,
        context == null ? Map.of() : TemplateTypes.structTypes(typed, context)));
  }

  /**
   * As Docker's inspect runs it: over the object's types first, then, where that fails, over its
   * JSON as plain maps in which a missing key is an error ({@code map has no entry for key "Foo"}),
   * whose error is the one reported.
   */
  public String renderInspected(JsonNode dot) {
    try {
      return render(dot, TemplateContext.inspected(dot));
    } catch (TemplateFailure typed) {
      return render(dot, new Execution(Set.of(), Map.of(), Map.of(), false, true, Map.of()));
    }
  }

  /**
   * The template's text for a table's header, {@code titles} being the map of each field's
   * column title: as in Docker, names it lacks print {@code <no value>} and Docker's functions
   * ({@code truncate}, {@code json}, ...) leave a title as it is.
   */
  public String renderHeader(JsonNode titles) {
    Set<JsonNode> maps = TemplateTypes.maps(titles);
    maps.add(titles);
    return render(titles, new Execution(maps, Map.of(), Map.of(), true, false, Map.of()));
  }

  private String render(JsonNode dot, Execution execution) {
    StringBuilder out = new StringBuilder();
    Map<String, JsonNode> variables = new HashMap<>();
    variables.put("$", dot);
    try {
      execution.write(nodes, dot, variables, out);
    } catch (TemplateError e) {
      Located at = execution.at;
      if (at == null) {
        // Go's words when no part was reached
        throw new TemplateFailure("template: " + name + ": " + e.getMessage(), out.toString(), 1);
      }
      int line = TemplateParser.line(text, at.pos());
      int lineStart = text.lastIndexOf('\n', at.pos() - 1) + 1;
      // Go counts the column in bytes from 0
      int column = text.substring(lineStart, at.pos()).getBytes(StandardCharsets.UTF_8).length;
      throw new TemplateFailure("template: " + name + ":" + line + ":" + column + ": executing " + goQuote(name)
          + " at <" + at.context() + ">: " + e.getMessage(), out.toString(), 1);
    }
    return out.toString();
  }

  /** Go's %q of a string. */
  static String goQuote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"', '\\' -> q.append('\\').append(c);
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        case '\r' -> q.append("\\r");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\x%02x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }

  /**
   * One rendering: which of its value's objects are maps, whether it is a table's header,
   * whether it reads the value as Docker's inspect reads raw JSON (every object a map, a missing
   * key an error), and which part it is at, as Go's execution keeps it for its errors.
   */
  private static final class Execution {
    private final Set<JsonNode> maps;
    /** Those of {@link #maps} whose values are strings, which Go's index reads a missing key of as "". */
    private final Map<JsonNode, JsonNode> mapElementZeros;
    /** Objects whose struct has omitempty fields of its own, with what those read when left out. */
    private final Map<JsonNode, Map<String, JsonNode>> omittedOfStructs;
    private final boolean header;
    private final boolean raw;
    /** The objects whose Go struct type is known, by identity, which Go's error for a field they lack names. */
    private final Map<JsonNode, String> structTypes;
    private Located at;

    Execution(Set<JsonNode> maps, Map<JsonNode, JsonNode> mapElementZeros,
        Map<JsonNode, Map<String, JsonNode>> omittedOfStructs, boolean header, boolean raw,
        Map<JsonNode, String> structTypes) {
      this.maps = maps;
      this.mapElementZeros = mapElementZeros;
      this.omittedOfStructs = omittedOfStructs;
      this.header = header;
      this.raw = raw;
      this.structTypes = structTypes;
    }

    private void at(Located part) {
      at = part;
    }

    private void write(List<Node> nodes, JsonNode dot, Map<String, JsonNode> variables, StringBuilder out) {
      for (Node node : nodes) {
        if (node instanceof Text t) {
          out.append(t.text());
        } else if (node instanceof Action a) {
          JsonNode value = eval(a.pipeline(), dot, variables);
          if (a.pipeline().variables().isEmpty()) {
            // a struct as Go prints one, except over the raw JSON, whose objects are all maps
            out.append(TemplateFunctions.print(value, raw ? null : maps, structTypes));
          } else {
            variables.put(a.pipeline().variables().get(0), value);
          }
        } else if (node instanceof If i) {
          Map<String, JsonNode> scope = new HashMap<>(variables);
          JsonNode value = eval(i.pipeline(), dot, scope);
          if (!i.pipeline().variables().isEmpty()) {
            scope.put(i.pipeline().variables().get(0), value);
          }
          if (TemplateFunctions.truth(value)) {
            write(i.then(), i.with() ? value : dot, scope, out);
          } else {
            write(i.otherwise(), dot, new HashMap<>(variables), out);
          }
        } else {
          range((Range) node, dot, variables, out);
        }
      }
    }

    private void range(Range r, JsonNode dot, Map<String, JsonNode> variables, StringBuilder out) {
      JsonNode value = eval(r.pipeline(), dot, variables);
      if (!value.isContainerNode() && !value.isMissingNode() && !value.isNull()) {
        throw new TemplateError("range can't iterate over " + TemplateFunctions.print(value));
      }
      if (value.isEmpty()) {
        write(r.otherwise(), dot, new HashMap<>(variables), out);
        return;
      }
      // Go ranges over a map in the order of its sorted keys
      Map<String, JsonNode> entries = new TreeMap<>();
      List<JsonNode> keys = new ArrayList<>();
      List<JsonNode> elements = new ArrayList<>();
      if (value.isObject()) {
        value.fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
        entries.forEach((k, v) -> {
          keys.add(TextNode.valueOf(k));
          elements.add(v);
        });
      } else {
        int index = 0;
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); index++) {
          keys.add(IntNode.valueOf(index));
          elements.add(it.next());
        }
      }
      List<String> names = r.pipeline().variables();
      for (int i = 0; i < elements.size(); i++) {
        Map<String, JsonNode> scope = new HashMap<>(variables);
        if (names.size() == 1) {
          scope.put(names.get(0), elements.get(i));
        } else if (names.size() == 2) {
          scope.put(names.get(0), keys.get(i));
          scope.put(names.get(1), elements.get(i));
        }
        write(r.body(), elements.get(i), scope, out);
      }
    }

    private JsonNode eval(Pipeline pipeline, JsonNode dot, Map<String, JsonNode> variables) {
      at(pipeline);
      JsonNode value = null;
      for (Command command : pipeline.commands()) {
        value = eval(command, value, dot, variables);
      }
      return value;
    }

    /** A command's value, {@code piped} (null if none) its last argument; Go's order of naming parts. */
    private JsonNode eval(Command command, JsonNode piped, JsonNode dot, Map<String, JsonNode> variables) {
      List<Operand> operands = command.operands();
      Operand first = operands.get(0);
      boolean hasArgs = operands.size() > 1 || piped != null;
      if (first instanceof Function f) {
        at(f);
        List<JsonNode> args = arguments(operands, piped, dot, variables);
        try {
          if (header) {
            return TemplateFunctions.callInHeader(f.name(), args);
          }
          return f.name().equals("index") ? TemplateFunctions.index(args, mapElementZeros::get)
              : TemplateFunctions.call(f.name(), args);
        } catch (TemplateError e) {
          switch (e.where()) {
            case FUNCTION -> at(f);
            case COMMAND -> at(command);
            default -> { }
          }
          throw e;
        }
      }
      if (first instanceof Field f && !f.path().isEmpty()) {
        at(f);
        if (!hasArgs) {
          return path(dot, f.path(), null);
        }
        // a method of the value: {{.Label "k"}}
        JsonNode receiver = path(dot, f.path().subList(0, f.path().size() - 1), null);
        List<JsonNode> args = arguments(operands, piped, dot, variables);
        at(f);
        String method = f.path().get(f.path().size() - 1);
        return header ? TemplateMethods.callInHeader(method, args) : TemplateMethods.call(receiver, method, args);
      }
      if (first instanceof Variable v) {
        at(v);
        if (hasArgs) {
          throw notAFunction(v);
        }
        return path(variable(v, variables), v.path(), null);
      }
      if (first instanceof Sub s) {
        if (s.path().isEmpty()) {
          if (hasArgs) {
            throw notAFunction(s);
          }
          return eval(s.pipeline(), dot, variables);
        }
        at(s);
        JsonNode value = argument(s.pipeline(), dot, variables);
        if (hasArgs) {
          throw notAFunction(s);
        }
        return path(value, s.path(), null);
      }
      // a constant, or dot itself
      at(first);
      if (hasArgs) {
        throw notAFunction(first);
      }
      return first instanceof Literal l ? l.value() : dot;
    }

    private static TemplateError notAFunction(Operand o) {
      return new TemplateError("can't give argument to non-function " + o.context());
    }

    /** The arguments after a command's first word, with the piped value last. */
    private List<JsonNode> arguments(List<Operand> operands, JsonNode piped, JsonNode dot,
        Map<String, JsonNode> variables) {
      List<JsonNode> args = new ArrayList<>();
      for (Operand o : operands.subList(1, operands.size())) {
        args.add(argument(o, dot, variables));
      }
      if (piped != null) {
        args.add(piped);
      }
      return args;
    }

    /** The value of an argument, which Go's execution is then at. */
    private JsonNode argument(Located o, JsonNode dot, Map<String, JsonNode> variables) {
      at(o);
      if (o instanceof Pipeline p) {
        return eval(p, dot, variables);
      }
      if (o instanceof Field f) {
        return path(dot, f.path(), null);
      }
      if (o instanceof Variable v) {
        return path(variable(v, variables), v.path(), null);
      }
      if (o instanceof Literal l) {
        return l.value();
      }
      if (o instanceof Sub s) {
        if (s.path().isEmpty()) {
          return argument(s.pipeline(), dot, variables);
        }
        return path(argument(s.pipeline(), dot, variables), s.path(), null);
      }
      Function f = (Function) o;
      try {
        return TemplateFunctions.call(f.name(), List.of());
      } catch (TemplateError e) {
        at(f);
        throw e;
      }
    }

    private static JsonNode variable(Variable v, Map<String, JsonNode> variables) {
      JsonNode value = variables.get(v.name());
      if (value == null) {
        throw new TemplateError("undefined variable: " + v.name());
      }
      return value;
    }

    /**
     * The value at {@code names} below {@code from}; {@code owner} is the field {@code from} was
     * read from (null if none), which says whether a nil there is a map's.
     */
    private JsonNode path(JsonNode from, List<String> names, String owner) {
      JsonNode value = from;
      String of = owner;
      for (String name : names) {
        if (value.isObject()) {
          value = field(value, name);
        } else if (value.isMissingNode() || value.isNull()) {
          value = nil(value, name, of);
        } else {
          throw new TemplateError("can't evaluate field " + name + " in type "
              + (raw ? rawType(value) : TemplateFunctions.goType(value)));
        }
        of = name;
      }
      return value;
    }

    private JsonNode field(JsonNode object, String name) {
      String type = structTypes.get(object);
      Optional<GoStructLayouts.Field> described = GoStructLayouts.field(type, name);
      JsonNode value = object.path(described.map(GoStructLayouts.Field::jsonKey)
          .orElseGet(() -> GoStructs.jsonKey(type, name)));
      if (!value.isMissingNode()) {
        return value;
      }
      if (raw) {
        throw new TemplateError("map has no entry for key " + goQuote(name));
      }
      if (maps.contains(object)) {
        return value;
      }
      JsonNode structsOwn = omittedOfStructs.getOrDefault(object, Map.of()).get(name);
      if (structsOwn != null) {
        return structsOwn;
      }
      return GoStructs.whenOmitted(type, name).or(() -> TemplateTypes.whenOmitted(name))
          .or(() -> described.map(GoStructLayouts.Field::zero))
          .orElseThrow(() -> new TemplateError("can't evaluate field " + name + (type == null ? "" : " in type " + type)));
    }

    /**
     * Field {@code name} of nothing: Go's zero value (no value) below a missing map key or a nil
     * map, an error below a nil pointer (such as a {@code State.Health} a container without a
     * health check lacks) and, in Docker's raw inspect, below any nil.
     */
    private JsonNode nil(JsonNode value, String name, String owner) {
      if (raw) {
        throw new TemplateError("nil pointer evaluating interface {}." + name);
      }
      if (value.isMissingNode() || owner != null && TemplateTypes.isMapField(owner)) {
        return MissingNode.getInstance();
      }
      throw new TemplateError("nil pointer evaluating " + TemplateTypes.pointerType(owner) + "." + name);
    }

    /** The Go type of a value decoded from JSON as Docker's inspect decodes it (numbers as json.Number). */
    private static String rawType(JsonNode value) {
      return value.isTextual() ? "string" : value.isNumber() ? "json.Number" : value.isBoolean() ? "bool"
          : "[]interface {}";
    }
  }
}
