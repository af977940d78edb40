package dev.berth.client.build;

import java.util.List;
import java.util.Map;

/**
 * One instruction of a Dockerfile as its parser reads it: the keyword in capitals, the
 * {@code --name=value} flags before the arguments, the arguments as written (continuation lines
 * joined), the strings of the JSON (exec) form or null for the shell form, the whole line as Docker
 * prints it in {@code Step N/M : ...}, and the line it starts on.
 */
public record Instruction(String keyword, Map<String, String> flags, String arguments, List<String> json,
    String original, int line) {
  public Instruction {
    flags = Map.copyOf(flags);
    json = json == null ? null : List.copyOf(json);
  }

  public boolean execForm() {
    return json != null;
  }
}
