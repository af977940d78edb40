package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.berth.ctl.CommandFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Docker's {@code --format} templates: the part of Go's text/template that Docker users write,
 * evaluated over the JSON the command prints otherwise ({@code inspect}'s objects, {@code ps}'s
 * rows, an event). Field paths ({@code {{.State.Status}}}), variables ({@code $}, {@code $k}),
 * pipes, parentheses, {@code range}, {@code if}, {@code with}, {@code else}, trim markers
 * ({@code {{- ... -}}}) and comments; the functions are in {@link TemplateFunctions}, a row's
 * methods ({@code {{.Label "k"}}}) in {@link TemplateMethods}. As in Go, a map's missing key
 * prints {@code <no value>} and a struct's unknown field is an error; {@link TemplateTypes} says
 * which objects are maps.
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

  /** Commands joined by {@code |}, each one's value the last argument of the next; may declare variables. */
  record Pipeline(List<String> variables, List<Command> commands) {}

  /** A function and its arguments, or one value. */
  record Command(List<Operand> operands) {}

  sealed interface Operand permits Field, Variable, Literal, Function, Sub {}

  /** {@code .A.B} (no names: dot itself). */
  record Field(List<String> path) implements Operand {}

  /** {@code $name.A.B}. */
  record Variable(String name, List<String> path) implements Operand {}

  record Literal(JsonNode value) implements Operand {}

  record Function(String name) implements Operand {}

  /** {@code (pipeline).A.B}. */
  record Sub(Pipeline pipeline, List<String> path) implements Operand {}

  private final List<Node> nodes;

  private Template(List<Node> nodes) {
    this.nodes = nodes;
  }

  /**
   * Reads {@code text}.
   *
   * @throws CommandFailure "template parsing error: ..." for what it cannot read
   */
  public static Template parse(String text) {
    return new Template(TemplateParser.parse(text));
  }

  /**
   * The template's text for {@code dot}.
   *
   * @throws CommandFailure "template: ..." when it cannot be evaluated (a field of a string, a
   *     range over a number, a function's wrong arguments)
   */
  public String render(JsonNode dot) {
    return render(dot, new Execution(TemplateTypes.maps(dot), false));
  }

  /**
   * The template's text for a table's header, {@code titles} being the map of each field's
   * column title: as in Docker, names it lacks print {@code <no value>} and Docker's functions
   * ({@code truncate}, {@code json}, ...) leave a title as it is.
   */
  public String renderHeader(JsonNode titles) {
    Set<JsonNode> maps = TemplateTypes.maps(titles);
    maps.add(titles);
    return render(titles, new Execution(maps, true));
  }

  private String render(JsonNode dot, Execution execution) {
    StringBuilder out = new StringBuilder();
    Map<String, JsonNode> variables = new HashMap<>();
    variables.put("$", dot);
    execution.write(nodes, dot, variables, out);
    return out.toString();
  }

  /** One rendering, knowing which of its value's objects are maps, and whether it is a table's header. */
  private record Execution(Set<JsonNode> maps, boolean header) {
    private void write(List<Node> nodes, JsonNode dot, Map<String, JsonNode> variables, StringBuilder out) {
      for (Node node : nodes) {
        if (node instanceof Text t) {
          out.append(t.text());
        } else if (node instanceof Action a) {
          JsonNode value = eval(a.pipeline(), dot, variables);
          if (a.pipeline().variables().isEmpty()) {
            out.append(TemplateFunctions.print(value));
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
        throw new CommandFailure("template: range can't iterate over " + TemplateFunctions.print(value));
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
      JsonNode value = null;
      for (Command command : pipeline.commands()) {
        value = eval(command, value, dot, variables);
      }
      return value;
    }

    private JsonNode eval(Command command, JsonNode piped, JsonNode dot, Map<String, JsonNode> variables) {
      List<Operand> operands = command.operands();
      if (operands.get(0) instanceof Function f) {
        List<JsonNode> args = new ArrayList<>();
        for (Operand o : operands.subList(1, operands.size())) {
          args.add(operand(o, dot, variables));
        }
        if (piped != null) {
          args.add(piped);
        }
        return header ? TemplateFunctions.callInHeader(f.name(), args) : TemplateFunctions.call(f.name(), args);
      }
      if (operands.get(0) instanceof Field f && !f.path().isEmpty() && (operands.size() > 1 || piped != null)) {
        List<JsonNode> args = new ArrayList<>();
        for (Operand o : operands.subList(1, operands.size())) {
          args.add(operand(o, dot, variables));
        }
        if (piped != null) {
          args.add(piped);
        }
        List<String> receiver = f.path().subList(0, f.path().size() - 1);
        return TemplateMethods.call(path(dot, receiver, f), f.path().get(f.path().size() - 1), args);
      }
      if (operands.size() > 1 || piped != null) {
        throw new CommandFailure("template: can't give argument to non-function " + describe(operands.get(0)));
      }
      return operand(operands.get(0), dot, variables);
    }

    private JsonNode operand(Operand o, JsonNode dot, Map<String, JsonNode> variables) {
      if (o instanceof Field f) {
        return path(dot, f.path(), o);
      }
      if (o instanceof Variable v) {
        JsonNode value = variables.get(v.name());
        if (value == null) {
          throw new CommandFailure("template: undefined variable: " + v.name());
        }
        return path(value, v.path(), o);
      }
      if (o instanceof Literal l) {
        return l.value();
      }
      if (o instanceof Sub s) {
        return path(eval(s.pipeline(), dot, variables), s.path(), o);
      }
      return TemplateFunctions.call(((Function) o).name(), List.of());
    }

    /** The value at {@code names} below {@code from}, which the template wrote as {@code at}. */
    private JsonNode path(JsonNode from, List<String> names, Operand at) {
      JsonNode value = from;
      for (String name : names) {
        if (value.isObject()) {
          value = field(value, name, at);
        } else if (value.isMissingNode() || value.isNull()) {
          return MissingNode.getInstance();
        } else {
          throw new CommandFailure("template: can't evaluate field " + name + " in "
              + (value.isArray() ? "a list" : "the value " + TemplateFunctions.print(value)));
        }
      }
      return value;
    }

    private JsonNode field(JsonNode object, String name, Operand at) {
      JsonNode value = object.path(name);
      if (!value.isMissingNode() || maps.contains(object)) {
        return value;
      }
      if (TemplateTypes.nilWhenAbsent(name)) {
        return NullNode.getInstance();
      }
      // Go's words, so that what matches docker's message matches this one
      throw new CommandFailure("template: executing \"\" at <" + describe(at) + ">: can't evaluate field " + name);
    }
  }

  private static String describe(Operand o) {
    if (o instanceof Field f) {
      return "." + String.join(".", f.path());
    }
    if (o instanceof Variable v) {
      return v.name() + (v.path().isEmpty() ? "" : "." + String.join(".", v.path()));
    }
    return o instanceof Literal l ? l.value().toString() : "(...)";
  }
}
