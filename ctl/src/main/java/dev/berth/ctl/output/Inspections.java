package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code inspect} prints, as Docker's inspect does: a JSON array of the objects, or each
 * through {@code -f TEMPLATE}; also the one object of {@code version} and {@code info}.
 */
public final class Inspections {
  /** What Docker's inspect, version, info and listings put before a template's error. */
  static final String PARSING = "template parsing error: ";
  /** Docker's exit code for a template that cannot be read, in inspect, version and info. */
  private static final int USAGE = 64;

  private Inspections() {}

  /**
   * The template {@code format} names, read before anything is looked up as Docker reads it;
   * null for {@code json} or none (the JSON array).
   *
   * @throws TemplateFailure "template parsing error: template: :1: ..." (exit 64) for one that
   *     cannot be read
   */
  public static Template template(String format) {
    return format == null || format.equals("json") ? null : parse("", format);
  }

  /** {@code format} read as a template named {@code name}; Docker's words and exit code where it cannot be. */
  public static Template parse(String name, String format) {
    try {
      return Template.parse(name, format);
    } catch (TemplateFailure f) {
      throw f.prefixed(PARSING).exiting(USAGE);
    }
  }

  /**
   * The objects as a JSON array ({@code template} null), else each through the template, run as
   * Docker's inspect runs it ({@link Template#renderInspected}). As in Docker, an object the
   * template fails on does not keep the others from being printed (a blank line when none is),
   * and the failures are reported together afterwards.
   */
  public static void print(PrintWriter out, Template template, List<? extends JsonNode> objects) {
    if (template == null) {
      Output.json(out, objects);
      return;
    }
    StringBuilder printed = new StringBuilder();
    List<String> failures = new ArrayList<>();
    for (JsonNode object : objects) {
      try {
        printed.append(template.renderInspected(object)).append('\n');
      } catch (TemplateFailure f) {
        failures.add(PARSING + f.getMessage());
      }
    }
    out.print(printed.length() == 0 ? "\n" : printed);
    if (!failures.isEmpty()) {
      throw new TemplateFailure(String.join("\n", failures), "", 1);
    }
  }

  /** As above for objects Jackson turns into JSON (maps, lists, strings, numbers). */
  public static void printObjects(PrintWriter out, Template template, List<?> objects) {
    if (template == null) {
      Output.json(out, objects);
      return;
    }
    print(out, template, objects.stream().map(o -> (JsonNode) Json.mapper().valueToTree(o)).toList());
  }

  /**
   * One object through the template, as Docker's version and info print it: followed by a
   * newline, also when the template fails part way, after what it wrote; {@code context} names
   * the object's Go type in Go's errors.
   */
  public static void printOne(PrintWriter out, Template template, TemplateContext context, JsonNode object) {
    try {
      out.println(template.render(object, context));
    } catch (TemplateFailure f) {
      out.println(f.partial());
      throw f;
    }
  }
}
