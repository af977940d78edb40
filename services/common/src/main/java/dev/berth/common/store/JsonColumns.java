package dev.berth.common.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of text columns that hold strings in a few simple shapes: a map of strings, a list of
 * strings, a map of string lists, a list of string maps. Read and written with Jackson's
 * streaming parser and generator rather than its data binding: a JVM's first binding of a
 * generic type built ~80 ms of deserializers and mapper set-up, on berthd's start-up path (the
 * network group's attachments, every store's labels), for columns that need none of it.
 */
public final class JsonColumns {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonColumns() {}

  /** A JSON column that is not in the shape its reader expects. */
  public static final class MalformedColumnException extends IOException {
    MalformedColumnException(String message) {
      super(message);
    }
  }

  public static String writeMap(Map<String, String> map) {
    return write(g -> writeMapTo(g, map));
  }

  /** A null list is written as JSON null, which {@link #readList} reads as an empty one. */
  public static String writeList(List<String> list) {
    return write(g -> writeListTo(g, list));
  }

  public static String writeListMap(Map<String, List<String>> map) {
    return write(g -> {
      g.writeStartObject();
      for (Map.Entry<String, List<String>> e : map.entrySet()) {
        g.writeFieldName(e.getKey());
        writeListTo(g, e.getValue());
      }
      g.writeEndObject();
    });
  }

  /** A null list is written as JSON null, which {@link #readMapList} reads as an empty one. */
  public static String writeMapList(List<Map<String, String>> list) {
    return write(g -> {
      if (list == null) {
        g.writeNull();
        return;
      }
      g.writeStartArray();
      for (Map<String, String> map : list) {
        writeMapTo(g, map);
      }
      g.writeEndArray();
    });
  }

  /** {"key": "value", ...}, sorted by key; JSON null values stay null. */
  public static TreeMap<String, String> readMap(String json) throws MalformedColumnException {
    return read(json, p -> {
      expect(p, p.nextToken(), JsonToken.START_OBJECT);
      return mapBody(p);
    });
  }

  /** ["value", ...]; JSON null stands for an empty list. */
  public static List<String> readList(String json) throws MalformedColumnException {
    return read(json, p -> listValue(p, p.nextToken()));
  }

  /** {"key": ["value", ...], ...}; a key whose value is JSON null maps to an empty list. */
  public static Map<String, List<String>> readListMap(String json) throws MalformedColumnException {
    return read(json, p -> {
      expect(p, p.nextToken(), JsonToken.START_OBJECT);
      Map<String, List<String>> map = new TreeMap<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        expect(p, t, JsonToken.FIELD_NAME);
        String key = p.currentName();
        map.put(key, listValue(p, p.nextToken()));
      }
      return map;
    });
  }

  /** [{"key": "value", ...}, ...]. */
  public static List<Map<String, String>> readMapList(String json) throws MalformedColumnException {
    return read(json, p -> {
      List<Map<String, String>> list = new ArrayList<>();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        return list;
      }
      expect(p, t, JsonToken.START_ARRAY);
      for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        expect(p, t, JsonToken.START_OBJECT);
        list.add(mapBody(p));
      }
      return list;
    });
  }

  private static TreeMap<String, String> mapBody(JsonParser p) throws IOException {
    TreeMap<String, String> map = new TreeMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      expect(p, t, JsonToken.FIELD_NAME);
      String key = p.currentName();
      map.put(key, stringValue(p, p.nextToken()));
    }
    return map;
  }

  private static List<String> listValue(JsonParser p, JsonToken t) throws IOException {
    List<String> list = new ArrayList<>();
    if (t == JsonToken.VALUE_NULL) {
      return list;
    }
    expect(p, t, JsonToken.START_ARRAY);
    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      list.add(stringValue(p, t));
    }
    return list;
  }

  private static String stringValue(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == null || !t.isScalarValue()) {
      throw new MalformedColumnException("expected a string at " + p.currentLocation().getColumnNr() + ", found " + t);
    }
    return p.getText();
  }

  private static void expect(JsonParser p, JsonToken found, JsonToken wanted) throws MalformedColumnException {
    if (found != wanted) {
      throw new MalformedColumnException("expected " + wanted + " at " + p.currentLocation().getColumnNr() + ", found " + found);
    }
  }

  private static void writeMapTo(JsonGenerator g, Map<String, String> map) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, String> e : map.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeListTo(JsonGenerator g, List<String> list) throws IOException {
    if (list == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (String s : list) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  private interface GeneratorBody {
    void writeTo(JsonGenerator g) throws IOException;
  }

  private interface ParserBody<T> {
    T readFrom(JsonParser p) throws IOException;
  }

  private static String write(GeneratorBody body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.writeTo(g);
    } catch (IOException e) {
      // a StringWriter does not fail
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static <T> T read(String json, ParserBody<T> body) throws MalformedColumnException {
    try (JsonParser p = JSON.createParser(json)) {
      T value = body.readFrom(p);
      if (p.nextToken() != null) {
        throw new MalformedColumnException("text after the JSON value");
      }
      return value;
    } catch (MalformedColumnException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedColumnException(e.getMessage());
    }
  }
}
