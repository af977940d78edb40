package dev.berth.ctl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The root's help ({@code berthctl}, {@code berthctl --help}), rendered by picocli once when
 * berthctl is built and printed from the jar afterwards. It is the same text for every run of a
 * build, and rendering it listed all ~48 commands through picocli's model and layout: some 40 ms of
 * a 90 ms start, for the screen a new user sees first.
 */
final class RootHelp {
  /** Next to this class in the jar; written by {@link #main} in the build (ctl/pom.xml). */
  static final String RESOURCE = "root-help.txt";
  /** The root's options whose value, any text, the help does not show. */
  private static final Set<String> SETTINGS_WITH_VALUE = Set.of("--address", "-H", "--host", "--namespace",
      "--config");

  private RootHelp() {}

  /**
   * Whether {@code args} ask for the root's help alone: nothing, {@code -h} or {@code --help},
   * after settings that change nothing in it (the socket, the namespace, the config directory,
   * {@code -D}), as an alias with {@code --address} runs it. A log level (which picocli checks),
   * another option or a command goes through picocli as before.
   */
  static boolean asked(String[] args) {
    int i = 0;
    while (i < args.length) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (SETTINGS_WITH_VALUE.contains(name)) {
        i += eq < 0 ? 2 : 1;
      } else if (arg.equals("-D") || arg.equals("--debug")) {
        i++;
      } else {
        break;
      }
    }
    if (i > args.length) {
      // a setting's value is missing: picocli's usage error
      return false;
    }
    int left = args.length - i;
    return left == 0 || left == 1 && (args[i].equals("-h") || args[i].equals("--help"));
  }

  /** Copies the built help to {@code out}; false if this build has none (classes run unpackaged). */
  static boolean print(OutputStream out) throws IOException {
    try (InputStream in = RootHelp.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return false;
      }
      in.transferTo(out);
      out.flush();
      return true;
    }
  }

  /** The help as picocli renders it from the commands' annotations. */
  static String render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    int exit = BerthCtl.run(new Io(InputStream.nullInputStream(), out, err, Map.of(), false), "--help");
    if (exit != 0) {
      throw new IllegalStateException("berthctl --help exited " + exit);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The build's step: writes the rendered help to the file {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    Files.createDirectories(file.getParent());
    Files.writeString(file, render(), StandardCharsets.UTF_8);
  }
}
