package dev.berth.client.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's {@code --change} of commit and import: Dockerfile instructions that set the new
 * image's run settings. CMD and ENTRYPOINT (JSON array or shell form), ENV and LABEL
 * ({@code KEY=VALUE ...}, or ENV's {@code KEY VALUE}), EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL,
 * HEALTHCHECK and ONBUILD, as Docker takes them; other instructions are refused.
 */
public final class ImageChanges {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");
  private static final Set<String> KEYWORDS = Set.of("CMD", "ENTRYPOINT", "ENV", "LABEL", "EXPOSE", "VOLUME", "USER",
      "WORKDIR", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD");

  /**
   * {@code refusal} (null for none) heads a message about it; {@code variables} (null for none) are replaced, and
   * {@code escape} escapes, as in a Dockerfile.
   */
  private record Instruction(String keyword, String argument, String refusal, char escape,
      Function<String, String> variables) {
    Instruction(String keyword, String argument) {
      this(keyword, argument, "invalid --change \"" + keyword + " " + argument + "\"", '\\', null);
    }
  }

  private final List<Instruction> instructions;

  private ImageChanges(List<Instruction> instructions) {
    this.instructions = instructions;
  }

  public static ImageChanges none() {
    return new ImageChanges(List.of());
  }

  /** @throws InvalidValueException naming an instruction that cannot be read */
  public static ImageChanges parse(List<String> changes) {
    List<Instruction> parsed = new ArrayList<>();
    for (String change : changes) {
      String text = change.strip();
      int space = text.indexOf(' ');
      String typed = space < 0 ? text : text.substring(0, space);
      String keyword = typed.toUpperCase(Locale.ROOT);
      String argument = space < 0 ? "" : text.substring(space + 1).strip();
      if (!KEYWORDS.contains(keyword)) {
        // Docker's daemon's words
        throw new InvalidParameterException(typed + " is not a valid change command");
      }
      if (argument.isEmpty()) {
        throw new InvalidValueException("invalid --change \"" + change + "\": " + keyword + " needs an argument");
      }
      Instruction instruction = new Instruction(keyword, argument);
      // read now, so that a mistake is told before anything is made
      instruction(instruction, JSON.createObjectNode());
      parsed.add(instruction);
    }
    return new ImageChanges(List.copyOf(parsed));
  }

  /**
   * One instruction of a Dockerfile being built: its words are read with the Dockerfile's escape
   * character and {@code variables} replaced, as Docker's builder reads them; a mistake is refused
   * in the bare words Docker's builder prints.
   */
  public static ImageChanges dockerfile(String keyword, String argument, char escape,
      Function<String, String> variables) {
    Instruction instruction = new Instruction(keyword, argument, null, escape, variables);
    instruction(instruction, JSON.createObjectNode());
    return new ImageChanges(List.of(instruction));
  }

  /** Sets the instructions' values in an image config's run settings ({@code config} of the OCI config). */
  public void applyTo(ObjectNode run) {
    instructions.forEach(i -> instruction(i, run));
  }

  private static void instruction(Instruction i, ObjectNode run) {
    String a = i.argument();
    switch (i.keyword()) {
      case "CMD", "ENTRYPOINT" -> {
        ArrayNode command = run.putArray(i.keyword().equals("CMD") ? "Cmd" : "Entrypoint");
        (a.startsWith("[") ? jsonStrings(i) : List.of("/bin/sh", "-c", a)).forEach(command::add);
      }
      case "ENV" -> {
        // KEY=VALUE ..., or Dockerfile's older KEY VALUE, the rest of the line being the value
        String[] keyAndRest = a.split("\\s+", 2);
        if (keyAndRest[0].contains("=")) {
          words(i, a).forEach(pair -> setEnv(run, pair(i, pair)));
        } else if (keyAndRest.length < 2) {
          throw refused(i, "ENV needs a value");
        } else {
          setEnv(run, keyAndRest[0] + "=" + word(i, keyAndRest[1]));
        }
      }
      case "LABEL" -> {
        // KEY=VALUE ..., or Dockerfile's older KEY VALUE, the rest of the line being the value, as for ENV
        // (Docker's parser tells them apart by the first word as written, quotes held together)
        List<String> written = asWritten(i, a);
        String[] keyAndRest = a.split("\\s+", 2);
        if (written.size() > 1 && !written.get(0).contains("=")) {
          run.withObject("/Labels").put(word(i, keyAndRest[0]), word(i, keyAndRest[1]));
        } else {
          for (String pair : words(i, a)) {
            String kv = pair(i, pair);
            run.withObject("/Labels").put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
          }
        }
      }
      case "EXPOSE" -> {
        for (String spec : words(i, a)) {
          for (String port : exposed(i, spec)) {
            run.withObject("/ExposedPorts").putObject(port);
          }
        }
      }
      case "VOLUME" -> (a.startsWith("[") ? jsonStrings(i) : words(i, a))
          .forEach(path -> run.withObject("/Volumes").putObject(path));
      case "USER" -> run.put("User", i.variables() == null ? a : word(i, a));
      case "WORKDIR" -> run.put("WorkingDir", i.variables() == null ? a : word(i, a));
      case "HEALTHCHECK" -> {
        try {
          run.set("Healthcheck", HealthcheckChange.read(a));
        } catch (InvalidValueException e) {
          throw refused(i, e.getMessage());
        }
      }
      case "ONBUILD" -> run.withArray("/OnBuild").add(trigger(i, a));
      default -> run.put("StopSignal", signal(i, i.variables() == null ? a : word(i, a)));
    }
  }

  /**
   * An EXPOSE word as Docker reads it (go-connections' nat.ParsePortSpec): {@code PORT[-END][/PROTO]},
   * a range as each of its ports, the protocol in any case, tcp if none; refused in nat's words.
   */
  private static List<String> exposed(Instruction i, String spec) {
    int slash = spec.indexOf('/');
    String range = slash < 0 ? spec : spec.substring(0, slash);
    String proto = slash < 0 ? "tcp" : spec.substring(slash + 1);
    Matcher m = PORT_RANGE.matcher(range);
    if (!m.matches() || Integer.parseInt(m.group(1)) > 65535 || m.group(2) != null
        && (Integer.parseInt(m.group(2)) > 65535 || Integer.parseInt(m.group(2)) < Integer.parseInt(m.group(1)))) {
      throw refused(i, "invalid containerPort: " + range);
    }
    if (!Set.of("tcp", "udp", "sctp").contains(proto.toLowerCase(Locale.ROOT))) {
      throw refused(i, "invalid proto: " + proto);
    }
    int first = Integer.parseInt(m.group(1));
    int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
    List<String> ports = new ArrayList<>();
    for (int port = first; port <= last; port++) {
      ports.add(port + "/" + proto.toLowerCase(Locale.ROOT));
    }
    return ports;
  }

  /** An ONBUILD's trigger, kept as written and refused where Docker's parser refuses it. */
  private static String trigger(Instruction i, String trigger) {
    String keyword = trigger.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    if (keyword.equals("ONBUILD")) {
      throw refused(i, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    }
    if (keyword.equals("FROM") || keyword.equals("MAINTAINER")) {
      throw refused(i, keyword + " isn't allowed as an ONBUILD trigger");
    }
    return trigger;
  }

  /** A STOPSIGNAL's signal, checked as Docker checks it when it reads the instruction. */
  private static String signal(Instruction i, String signal) {
    try {
      Signals.parse(signal);
      return signal;
    } catch (ClientException e) {
      throw refused(i, e.getMessage());
    }
  }

  private static List<String> jsonStrings(Instruction i) {
    try {
      JsonNode array = JSON.readTree(i.argument());
      List<String> strings = new ArrayList<>();
      for (JsonNode element : array) {
        if (!element.isTextual()) {
          throw refused(i, "a JSON array of strings");
        }
        strings.add(element.asText());
      }
      return strings;
    } catch (IOException e) {
      throw refused(i, "not a JSON array: " + e.getMessage());
    }
  }

  private static String pair(Instruction i, String pair) {
    if (pair.indexOf('=') < 1) {
      throw refused(i, pair + " is not KEY=VALUE");
    }
    return pair;
  }

  /** The message after the instruction's refusal, or alone where it has none (a Dockerfile's, as Docker's builder). */
  private static InvalidValueException refused(Instruction i, String message) {
    return new InvalidValueException(i.refusal() == null ? message : i.refusal() + ": " + message);
  }

  /** Sets a variable in Env, in place of an earlier value of it. */
  private static void setEnv(ObjectNode run, String pair) {
    String key = pair.substring(0, pair.indexOf('=') + 1);
    ArrayNode env = run.withArray("/Env");
    for (int n = 0; n < env.size(); n++) {
      if (env.get(n).asText().startsWith(key)) {
        env.set(n, pair);
        return;
      }
    }
    env.add(pair);
  }

  /** Whitespace-separated words, as Dockerfile's parser reads {@code KEY=VALUE ...}. */
  private static List<String> words(Instruction i, String text) {
    try {
      return DockerfileWords.split(text, i.escape(), i.variables());
    } catch (InvalidValueException e) {
      throw refused(i, e.getMessage());
    }
  }

  /** The words as written, variables not replaced. */
  private static List<String> asWritten(Instruction i, String text) {
    try {
      return DockerfileWords.split(text, i.escape(), null);
    } catch (InvalidValueException e) {
      throw refused(i, e.getMessage());
    }
  }

  /** The whole text as one word (ENV's {@code KEY VALUE} value): quotes and escapes taken out, spaces kept. */
  private static String word(Instruction i, String text) {
    try {
      return DockerfileWords.word(text, i.escape(), i.variables());
    } catch (InvalidValueException e) {
      throw refused(i, e.getMessage());
    }
  }
}
