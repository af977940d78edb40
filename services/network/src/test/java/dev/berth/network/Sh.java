package dev.berth.network;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real tools (ip, nft, nsenter, curl, busybox) the tests observe the kernel with. */
final class Sh {
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private Sh() {}

  static Result run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out;
      // closed here, not left to the JDK's reaper thread, so a test counting descriptors right after sees it gone
      try (InputStream output = p.getInputStream()) {
        out = new String(output.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code command} and returns its output; fails the test if it fails. */
  static String check(String... command) {
    Result r = run(command);
    if (!r.ok()) {
      throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ": " + r.output());
    }
    return r.output();
  }

  static List<String> lines(String output) {
    return output.lines().filter(l -> !l.isBlank()).toList();
  }
}
