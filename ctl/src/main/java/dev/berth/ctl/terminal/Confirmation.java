package dev.berth.ctl.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;

/** Docker's {@code [y/N]} question before a command removes things: anything but y (or Y) is no, "yes" too. */
public final class Confirmation {
  private Confirmation() {}

  /** Prints {@code warning} and the question on {@code out}; true if the answer read from {@code in} is y. */
  public static boolean ask(String warning, PrintWriter out, InputStream in) {
    out.print(warning + "\nAre you sure you want to continue? [y/N] ");
    out.flush();
    try {
      // one byte at a time, so nothing after the answer is taken from standard input
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString().strip().equalsIgnoreCase("y");
    } catch (IOException e) {
      return false;
    }
  }
}
