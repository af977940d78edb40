package dev.berth.client.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Spec.Process} read and written with Jackson's streaming parser and generator, as its
 * data binding reads and writes the record (the same names, empty lists and null values left out,
 * unknown fields skipped). An exec reads the container's process and writes the new one once per
 * process: binding the records cold (introspecting them, their annotations and constructors) took
 * {@code berthctl exec} 36 ms to read and 11 to write.
 */
final class ProcessJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ProcessJson() {}

  /** The process object {@code p} is at (its START_OBJECT the current token). */
  static Spec.Process read(JsonParser p) throws IOException {
    boolean terminal = false;
    Spec.ConsoleSize consoleSize = null;
    boolean noNewPrivileges = false;
    Spec.User user = null;
    List<String> args = null;
    List<String> env = null;
    String cwd = null;
    Spec.Capabilities capabilities = null;
    List<Spec.Rlimit> rlimits = null;
    Integer oomScoreAdj = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "terminal" -> terminal = p.getValueAsBoolean();
        case "consoleSize" -> consoleSize = consoleSize(p);
        case "user" -> user = user(p);
        case "args" -> args = strings(p);
        case "env" -> env = strings(p);
        case "cwd" -> cwd = p.getValueAsString();
        case "capabilities" -> capabilities = capabilities(p);
        case "rlimits" -> rlimits = rlimits(p);
        case "noNewPrivileges" -> noNewPrivileges = p.getValueAsBoolean();
        case "oomScoreAdj" -> oomScoreAdj = p.getValueAsInt();
        default -> p.skipChildren();
      }
    }
    return new Spec.Process(terminal, consoleSize, user, args, env, cwd, capabilities, rlimits, noNewPrivileges, oomScoreAdj);
  }

  static byte[] write(Spec.Process process) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeBooleanField("terminal", process.terminal());
      if (process.consoleSize() != null) {
        g.writeObjectFieldStart("consoleSize");
        g.writeNumberField("height", process.consoleSize().height());
        g.writeNumberField("width", process.consoleSize().width());
        g.writeEndObject();
      }
      if (process.user() != null) {
        g.writeObjectFieldStart("user");
        g.writeNumberField("uid", process.user().uid());
        g.writeNumberField("gid", process.user().gid());
        if (!process.user().additionalGids().isEmpty()) {
          g.writeArrayFieldStart("additionalGids");
          for (long gid : process.user().additionalGids()) {
            g.writeNumber(gid);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      writeStrings(g, "args", process.args());
      writeStrings(g, "env", process.env());
      if (process.cwd() != null && !process.cwd().isEmpty()) {
        g.writeStringField("cwd", process.cwd());
      }
      if (process.capabilities() != null) {
        Spec.Capabilities c = process.capabilities();
        g.writeObjectFieldStart("capabilities");
        writeStrings(g, "bounding", c.bounding());
        writeStrings(g, "effective", c.effective());
        writeStrings(g, "inheritable", c.inheritable());
        writeStrings(g, "permitted", c.permitted());
        writeStrings(g, "ambient", c.ambient());
        g.writeEndObject();
      }
      if (!process.rlimits().isEmpty()) {
        g.writeArrayFieldStart("rlimits");
        for (Spec.Rlimit r : process.rlimits()) {
          g.writeStartObject();
          g.writeStringField("type", r.type());
          g.writeFieldName("hard");
          g.writeNumber(UnsignedLongJson.write(r.hard()));
          g.writeFieldName("soft");
          g.writeNumber(UnsignedLongJson.write(r.soft()));
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeBooleanField("noNewPrivileges", process.noNewPrivileges());
      if (process.oomScoreAdj() != null) {
        g.writeNumberField("oomScoreAdj", process.oomScoreAdj());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the process spec as JSON", e);
    }
    return bytes.toByteArray();
  }

  private static Spec.ConsoleSize consoleSize(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "consoleSize");
    int height = 0;
    int width = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "height" -> height = p.getValueAsInt();
        case "width" -> width = p.getValueAsInt();
        default -> p.skipChildren();
      }
    }
    return new Spec.ConsoleSize(height, width);
  }

  private static Spec.User user(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "user");
    long uid = 0;
    long gid = 0;
    List<Long> additionalGids = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "uid" -> uid = p.getValueAsLong();
        case "gid" -> gid = p.getValueAsLong();
        case "additionalGids" -> {
          expect(p, JsonToken.START_ARRAY, "additionalGids");
          additionalGids = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            additionalGids.add(p.getValueAsLong());
          }
        }
        default -> p.skipChildren();
      }
    }
    return new Spec.User(uid, gid, additionalGids);
  }

  private static Spec.Capabilities capabilities(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "capabilities");
    List<List<String>> sets = new ArrayList<>(List.of(List.of(), List.of(), List.of(), List.of(), List.of()));
    List<String> names = List.of("bounding", "effective", "inheritable", "permitted", "ambient");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      int set = names.indexOf(p.currentName());
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      if (set < 0) {
        p.skipChildren();
      } else {
        sets.set(set, strings(p));
      }
    }
    return new Spec.Capabilities(sets.get(0), sets.get(1), sets.get(2), sets.get(3), sets.get(4));
  }

  private static List<Spec.Rlimit> rlimits(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "rlimits");
    List<Spec.Rlimit> rlimits = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String type = null;
      long hard = 0;
      long soft = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "type" -> type = p.getValueAsString();
          case "hard" -> hard = UnsignedLongJson.read(p);
          case "soft" -> soft = UnsignedLongJson.read(p);
          default -> p.skipChildren();
        }
      }
      rlimits.add(new Spec.Rlimit(type, hard, soft));
    }
    return rlimits;
  }

  private static List<String> strings(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "a list of strings");
    List<String> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      values.add(p.getValueAsString());
    }
    return values;
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void expect(JsonParser p, JsonToken token, String what) throws IOException {
    if (p.currentToken() != token) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "process " + what + ": expected " + token
          + ", found " + p.currentToken());
    }
  }
}
