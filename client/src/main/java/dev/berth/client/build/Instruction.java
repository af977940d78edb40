package dev.berth.client.build;

import java.util.List;
import java.util.Map;

/**
 * One instruction of a Dockerfile as its parser reads it: the keyword in capitals, the
 * {@code --name=value} flags before the arguments, the arguments as written (continuation lines
 * joined), the strings of the JSON (exec) form or null for the shell form, the whole line as Docker
 * prints it in {@code Step N/M : ...}, the line it starts on, the here-documents of a RUN, COPY
 * or ADD, in the order the line opens them, and every {@code --mount} of a RUN, which alone of the
 * flags may come more than once ({@code flags} has the last).
 */
public record Instruction(String keyword, Map<String, String> flags, String arguments, List<String> json,
    String original, int line, List<Heredoc> heredocs, List<String> mounts) {
  public Instruction {
    flags = Map.copyOf(flags);
    json = json == null ? null : List.copyOf(json);
    heredocs = List.copyOf(heredocs);
    mounts = List.copyOf(mounts);
  }

  public Instruction(String keyword, Map<String, String> flags, String arguments, List<String> json,
      String original, int line) {
    this(keyword, flags, arguments, json, original, line, List.of(), List.of());
  }

  /** The here-document a source or command word opens, if the instruction has it. */
  Heredoc heredoc(String word) {
    Heredoc opened = Heredoc.opened(word);
    return opened == null ? null
        : heredocs.stream().filter(h -> h.name().equals(opened.name())).findFirst().orElse(null);
  }

  public boolean execForm() {
    return json != null;
  }

  /** The arguments with the here-documents' lines put back after them, as a shell or a trigger reads them. */
  String withHeredocs() {
    StringBuilder text = new StringBuilder(arguments);
    for (Heredoc h : heredocs) {
      text.append('\n').append(h.content()).append(h.name());
    }
    return text.toString();
  }
}
