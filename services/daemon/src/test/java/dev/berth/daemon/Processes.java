package dev.berth.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external command (ctr, a second berthd) for a test and captures what it printed. */
final class Processes {
  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\nstdout: " + out() + "\nstderr: " + stderr;
    }
  }

  private Processes() {}

  static Result run(List<String> command, Path stdin, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    } else {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process p = pb.start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s; stderr: " + new String(err.join()));
    }
    return new Result(p.exitValue(), out.join(), new String(err.join()));
  }

  /** A berthd in its own JVM, so a test can kill it as a crash would. */
  static Process startDaemon(Path root, Path state, Path networkNamespace, Path log, String... more)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--root", root.toString(), "--state", state.toString(), "--network-namespace",
        networkNamespace.toString()));
    command.addAll(List.of(more));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
