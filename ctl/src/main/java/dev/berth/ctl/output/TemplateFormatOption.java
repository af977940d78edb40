package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.ctl.CommandFailure;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Docker's {@code --format} of listings: {@code table} (the default), {@code json}, a Go template
 * such as {@code '{{.ID}} {{.Names}}'} printed once per row (see {@link Template}), or
 * {@code 'table {{.ID}}\t{{.Names}}'}: the same under a header, in aligned columns. As in Docker,
 * a typed {@code \t} or {@code \n} is a tab or a newline.
 */
public final class TemplateFormatOption {
  private static final String TABLE = "table";

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = TABLE,
      description = "table (default), json, a Go template of the fields json shows, such as '{{.Name}}', "
          + "or 'table TEMPLATE' for aligned columns under a header")
  String format;

  /** {@code json}, or the template {@code {{json .}}}, which Docker's json format is. */
  public boolean json() {
    return isJson(format);
  }

  /** Whether {@code format} asks for Docker's JSON of each row: {@code json} or {@code {{json .}}}. */
  public static boolean isJson(String format) {
    return format.equals("json") || format.replace(" ", "").equals("{{json.}}");
  }

  /** Whether the user's template names {@code field} ({@code {{.Size}}}). */
  public boolean names(String field) {
    return templated() && format.contains("." + field);
  }

  /** Whether rows are printed through a template of the user's. */
  public boolean templated() {
    if (format.equals(TABLE) || json()) {
      return false;
    }
    if (!format.contains("{{")) {
      throw new CommandFailure("invalid --format \"" + format + "\": table, json or a Go template like '{{.ID}}'");
    }
    return true;
  }

  /**
   * The rows as {@code json} (docker's line a row) or through the template, whichever was asked
   * for, each being what Docker's {@code context} runs it over.
   */
  public void printRows(PrintWriter out, TemplateContext context, Map<String, String> headers,
      List<? extends Map<String, ?>> rows) {
    if (json()) {
      Output.jsonLines(out, rows);
    } else {
      print(out, context, headers, rows);
    }
  }

  /**
   * {@code value} through the template once, as Docker's {@code system df -v} runs a format other
   * than {@code table}: straight to the output, with no newline after it, {@code table} and all
   * ({@code table X} is {@code " X"}); {@code json} is {@code {{json .}}}, with {@code <},
   * {@code >} and {@code &} escaped as Docker's formatter escapes the objects within.
   */
  public void printWhole(PrintWriter out, TemplateContext context, Object value) {
    JsonNode node = value instanceof JsonNode n ? n : Json.mapper().valueToTree(value);
    if (json()) {
      out.print(Output.compactJson(node).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"));
    } else {
      String text = format.replace("\\t", "\t").replace("\\n", "\n");
      try {
        out.print(Template.parse(text.startsWith(TABLE) ? text.substring(TABLE.length()) : text).render(node, context));
      } catch (TemplateFailure f) {
        throw f.prefixed(Inspections.PARSING);
      }
    }
    out.flush();
  }

  /**
   * Prints each row through the template, one line each; under {@code table TEMPLATE}, the
   * template of {@code headers} (field name → column title, as Docker names them) first, and the
   * tab-separated cells aligned. Each row is what Docker's {@code context} runs the template over.
   */
  public void print(PrintWriter out, TemplateContext context, Map<String, String> headers, List<?> rows) {
    String text = format.replace("\\t", "\t").replace("\\n", "\n");
    boolean table = text.startsWith(TABLE + " ");
    Template template;
    List<String> lines = new ArrayList<>();
    // Docker's listings put these words before a template's error, whether it could be read or not
    try {
      template = Template.parse(table ? text.substring(TABLE.length() + 1).strip() : text);
      if (table) {
        lines.add(template.renderHeader(Json.mapper().valueToTree(headers)));
      }
      for (Object row : rows) {
        lines.add(template.render(row instanceof JsonNode n ? n : Json.mapper().valueToTree(row), context));
      }
    } catch (TemplateFailure f) {
      throw f.prefixed(Inspections.PARSING);
    }
    if (!table) {
      Output.lines(out, lines);
      return;
    }
    List<List<String>> cells = lines.stream().map(l -> Arrays.asList(l.split("\t", -1))).toList();
    int columns = cells.stream().mapToInt(List::size).max().orElse(0);
    List<List<String>> padded = new ArrayList<>();
    for (List<String> row : cells) {
      List<String> full = new ArrayList<>(row);
      while (full.size() < columns) {
        full.add("");
      }
      padded.add(full);
    }
    Output.table(out, padded.get(0), padded.subList(1, padded.size()));
  }
}
