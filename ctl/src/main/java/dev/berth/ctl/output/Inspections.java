package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;

/** What {@code inspect} prints: a JSON array of the objects, or each through {@code -f TEMPLATE}. */
public final class Inspections {
  private Inspections() {}

  /** @param format null or {@code json} for the array, else a Go template printed once per object */
  public static void print(PrintWriter out, String format, List<? extends JsonNode> objects) {
    if (format == null || format.equals("json")) {
      Output.json(out, objects);
      return;
    }
    Template template = Template.parse(format);
    for (JsonNode object : objects) {
      out.println(template.render(object));
    }
  }

  /** As above for objects Jackson turns into JSON (maps, lists, strings, numbers). */
  public static void printObjects(PrintWriter out, String format, List<?> objects) {
    if (format == null || format.equals("json")) {
      Output.json(out, objects);
      return;
    }
    print(out, format, objects.stream().map(o -> (JsonNode) Json.mapper().valueToTree(o)).toList());
  }

  /** One object through the template {@code format}, as info and version print it. */
  public static void printOne(PrintWriter out, String format, JsonNode object) {
    out.println(Template.parse(format).render(object));
  }
}
