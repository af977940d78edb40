package dev.berth.ctl.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One value picked out of a JSON document by its path of object keys, with Jackson's streaming
 * parser alone: for commands that read a field or two of a large document per container (ps),
 * where building the tree would load and warm Jackson's data binding (~400 classes) to do it.
 */
public final class JsonPaths {
  private JsonPaths() {}

  /** The strings of the array at {@code path}; empty if it is missing, not an array, or the document unreadable. */
  public static List<String> strings(byte[] json, String... path) {
    List<String> values = new ArrayList<>();
    try (JsonParser p = Holder.FACTORY.createParser(json)) {
      if (find(p, path) && p.currentToken() == JsonToken.START_ARRAY) {
        for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t.isStructStart()) {
            p.skipChildren();
          } else {
            values.add(p.getValueAsString(""));
          }
        }
      }
    } catch (IOException e) {
      values.clear();
    }
    return values;
  }

  /** The scalar at {@code path} as text; {@code fallback} if it is missing, a structure, or the document unreadable. */
  public static String text(byte[] json, String fallback, String... path) {
    try (JsonParser p = Holder.FACTORY.createParser(json)) {
      if (find(p, path) && p.currentToken().isScalarValue() && p.currentToken() != JsonToken.VALUE_NULL) {
        return p.getValueAsString(fallback);
      }
    } catch (IOException e) {
      // unreadable: as missing
    }
    return fallback;
  }

  /** The keys of the object at {@code path}, in order; empty if it is missing, not an object, or the document unreadable. */
  public static List<String> keys(byte[] json, String... path) {
    List<String> keys = new ArrayList<>();
    try (JsonParser p = Holder.FACTORY.createParser(json)) {
      if (find(p, path) && p.currentToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          keys.add(p.currentName());
          p.nextToken();
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      keys.clear();
    }
    return keys;
  }

  /**
   * The scalar fields of each object in the array at {@code path}, by key (nested structures
   * skipped); empty if it is missing, not an array, or the document unreadable.
   */
  public static List<Map<String, String>> objects(byte[] json, String... path) {
    List<Map<String, String>> objects = new ArrayList<>();
    try (JsonParser p = Holder.FACTORY.createParser(json)) {
      if (find(p, path) && p.currentToken() == JsonToken.START_ARRAY) {
        for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            continue;
          }
          Map<String, String> fields = new HashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken().isScalarValue() && p.currentToken() != JsonToken.VALUE_NULL) {
              fields.put(key, p.getValueAsString(""));
            } else {
              p.skipChildren();
            }
          }
          objects.add(fields);
        }
      }
    } catch (IOException e) {
      objects.clear();
    }
    return objects;
  }

  /** Moves {@code p} onto the value at {@code path}; false if there is none. */
  private static boolean find(JsonParser p, String[] path) throws IOException {
    p.nextToken();
    for (String key : path) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return false;
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean match = key.equals(p.currentName());
        p.nextToken();
        if (match) {
          found = true;
          break;
        }
        p.skipChildren();
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static final class Holder {
    static final JsonFactory FACTORY = new JsonFactory();
  }
}
