package dev.berth.ctl.image;

import java.io.PrintStream;

/**
 * Docker's CLI's notes around a push (its printNote): {@code " Info -> "} before the first line
 * and the later lines indented under it, on standard error. On a terminal the heading is Docker's
 * coloured {@code i Info →}, the lines italic and {@code --platform} bold; elsewhere plain text
 * (Docker's CLI writes those escapes to files and pipes too, which only scripts would see).
 */
final class InfoNote {
  private static final String ESC = "\033[";
  private static final String RESET = ESC + "0m";
  private static final String PLAIN_HEADING = " Info -> ";
  /** As wide as the plain heading and as "i Info > ", which the coloured one shows. */
  private static final String PADDING = " ".repeat(PLAIN_HEADING.length());

  private final PrintStream err;
  private final boolean terminal;

  InfoNote(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** Prints {@code text}, whose lines are separated by {@code \n} (a trailing one gives an empty last line, as Docker's). */
  void print(String text) {
    String shown = terminal ? text.replace("--platform", style("1", "--platform")) : text;
    err.print(terminal ? style("1", style("106", style("30", "i")) + " " + style("96", "Info → ")) : PLAIN_HEADING);
    String[] lines = shown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      err.println((i > 0 ? PADDING : "") + (terminal ? style("3", lines[i]) : lines[i]));
    }
    err.flush();
  }

  /** {@code digest} in red on a terminal, as Docker shows the index a push left behind. */
  String red(String digest) {
    return terminal ? style("31", digest) : digest;
  }

  /** {@code digest} in green on a terminal, as Docker shows the manifest pushed instead. */
  String green(String digest) {
    return terminal ? style("32", digest) : digest;
  }

  private static String style(String code, String s) {
    return ESC + code + "m" + s + RESET;
  }
}
