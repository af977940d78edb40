package dev.berth.tasks.runtime;

/** How a helper program ended: its exit code and what it printed. */
record CommandResult(int exitCode, String stdout, String stderr) {
  boolean ok() {
    return exitCode == 0;
  }

  /** The runtime's error message: logrus' msg="..." when present, else the last line of stderr. */
  String message() {
    String text = stderr.isBlank() ? stdout : stderr;
    int msg = text.lastIndexOf("msg=\"");
    if (msg >= 0) {
      StringBuilder b = new StringBuilder();
      for (int i = msg + 5; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length()) {
          b.append(text.charAt(++i));
        } else if (c == '"') {
          break;
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
    String[] lines = text.strip().split("\n");
    return lines.length == 0 ? "exit code " + exitCode : lines[lines.length - 1];
  }
}
