package dev.berth.tasks.io;

import dev.berth.api.grpc.Errors;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process's stdio as the client named it: FIFO paths the client created and reads or writes
 * (ctr's way), {@code file:///path} to append output to a file, or nothing.
 */
public record ProcessIo(String stdin, String stdout, String stderr, boolean terminal) {
  /** Where one output stream goes. */
  public sealed interface Output permits Fifo, AppendFile, Discard {}

  public record Fifo(Path path) implements Output {}

  public record AppendFile(Path path) implements Output {}

  public record Discard() implements Output {}

  /** Checks every URI: INVALID_ARGUMENT for kinds Berth does not serve (binary://) or relative paths. */
  public ProcessIo {
    stdin = stdin == null ? "" : stdin;
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
    if (!stdin.isEmpty() && !(output(stdin) instanceof Fifo)) {
      throw Errors.invalidArgument("stdin %s must be the path of a fifo", stdin);
    }
    output(stdout);
    output(stderr);
  }

  public boolean any() {
    return !stdin.isEmpty() || !stdout.isEmpty() || (!terminal && !stderr.isEmpty());
  }

  public Optional<Path> stdinFifo() {
    return stdin.isEmpty() ? Optional.empty() : Optional.of(Path.of(stdin));
  }

  public Output stdoutTarget() {
    return output(stdout);
  }

  /** In terminal mode stderr is part of the terminal's output. */
  public Output stderrTarget() {
    return terminal ? new Discard() : output(stderr);
  }

  static Output output(String uri) {
    if (uri.isEmpty()) {
      return new Discard();
    }
    if (uri.startsWith("/")) {
      return new Fifo(Path.of(uri));
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw Errors.invalidArgument("io %s is neither a path nor a URI: %s", uri, e.getMessage());
    }
    if ("file".equals(parsed.getScheme()) && parsed.getPath() != null && parsed.getPath().startsWith("/")) {
      return new AppendFile(Path.of(parsed.getPath()));
    }
    if ("fifo".equals(parsed.getScheme()) && parsed.getPath() != null && parsed.getPath().startsWith("/")) {
      return new Fifo(Path.of(parsed.getPath()));
    }
    throw Errors.invalidArgument("io %s is not supported: use a fifo path or file:///path", uri);
  }
}
