package dev.berth.client.build;

import java.util.ArrayList;
import java.util.List;

/**
 * The command a RUN runs, as BuildKit's Dockerfile frontend makes it: the exec form as written; the
 * shell form under the stage's shell. Where the shell form opens here-documents, a RUN that is one
 * here-document alone runs its content, under the shell or, when it begins with {@code #!}, as the
 * executable {@code script} at {@code /dev/pipes/NAME}; any other has the here-documents' lines put
 * back after the command, for the shell to read them.
 */
record RunCommand(List<String> command, Heredoc script) {
  /** Where a here-document that starts with {@code #!} is, in RUN's container, as BuildKit puts it. */
  static final String PIPES = "/dev/pipes";

  static RunCommand of(Instruction i, List<String> shell) {
    if (i.execForm()) {
      return new RunCommand(i.json(), null);
    }
    String text = i.arguments();
    if (!i.heredocs().isEmpty()) {
      Heredoc alone = i.heredoc(i.arguments().strip());
      if (alone != null && alone.text().startsWith("#!")) {
        return new RunCommand(List.of(PIPES + "/" + alone.name()), alone);
      }
      if (alone != null) {
        text = alone.text();
      } else {
        text = i.withHeredocs();
      }
    }
    List<String> command = new ArrayList<>(shell);
    command.add(text);
    return new RunCommand(command, null);
  }
}
