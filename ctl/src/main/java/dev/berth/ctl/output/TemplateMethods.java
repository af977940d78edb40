package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * The methods Docker's listing rows have besides their fields, called as {@code {{.Label "k"}}}:
 * {@code Label} gives one label's value from the row's {@code Labels} ("" when it has none), and
 * in a table's header the column title Docker gives it.
 */
final class TemplateMethods {
  private TemplateMethods() {}

  static JsonNode call(JsonNode receiver, String name, List<JsonNode> args) {
    return TextNode.valueOf(label(receiver.path("Labels"), labelKey(name, args)));
  }

  /**
   * The method in a table's header, as Docker's header map has it: {@code Label}'s column title is
   * the key's last dot-separated part with '-' and '_' as spaces ({@code {{.Label "com.example.app-tier"}}}
   * is titled {@code app tier}), not upper-cased.
   */
  static JsonNode callInHeader(String name, List<JsonNode> args) {
    String key = labelKey(name, args);
    return TextNode.valueOf(key.substring(key.lastIndexOf('.') + 1).replace('-', ' ').replace('_', ' '));
  }

  /** The label {@code Label}'s one argument names. */
  private static String labelKey(String name, List<JsonNode> args) {
    if (!name.equals("Label")) {
      throw new TemplateError("can't give argument to non-function ." + name);
    }
    if (args.size() != 1 || !args.get(0).isTextual()) {
      throw new TemplateError("wrong number of args for Label: want 1 got " + args.size());
    }
    return args.get(0).asText();
  }

  /**
   * The value of {@code key} in labels as a row shows them ({@code k=v,k2=v2}), or as an object.
   * A piece without {@code =} belongs to the value before it: a value may hold a comma.
   */
  private static String label(JsonNode labels, String key) {
    if (labels.isObject()) {
      return labels.path(key).asText("");
    }
    String found = null;
    for (String piece : labels.asText("").split(",", -1)) {
      int equals = piece.indexOf('=');
      if (equals < 0) {
        if (found != null) {
          found += "," + piece;
        }
        continue;
      }
      if (found != null) {
        return found;
      }
      if (piece.substring(0, equals).equals(key)) {
        found = piece.substring(equals + 1);
      }
    }
    return found == null ? "" : found;
  }
}
