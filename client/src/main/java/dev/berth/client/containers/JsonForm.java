package dev.berth.client.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON (exec) form of a Dockerfile instruction's arguments, as Docker's parser tells it from
 * the shell form: text that parses as an array of strings is that form, anything else is not.
 */
public final class JsonForm {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonForm() {}

  /** The array's strings, or null when {@code text} is not a JSON array of strings (the shell form then). */
  public static List<String> strings(String text) {
    try {
      JsonNode array = JSON.readTree(text);
      if (array == null || !array.isArray()) {
        return null;
      }
      List<String> strings = new ArrayList<>();
      for (JsonNode element : array) {
        if (!element.isTextual()) {
          return null;
        }
        strings.add(element.asText());
      }
      return strings;
    } catch (IOException e) {
      return null;
    }
  }
}
