package dev.berth.client.build;

import dev.berth.client.ClientException;

/**
 * A Dockerfile, or the build's options, refused before any step runs: Docker's daemon refuses
 * these as the answer to the build request, before its output stream begins.
 */
public final class DockerfileException extends ClientException {
  private final String reason;

  public DockerfileException(String message) {
    this(message, message);
  }

  private DockerfileException(String message, String reason) {
    super(message);
    this.reason = reason;
  }

  /** An instruction refused as it is read, in the words of the parser Docker's legacy builder uses (BuildKit's). */
  static DockerfileException atLine(int line, String message) {
    return new DockerfileException("dockerfile parse error on line " + line + ": " + message, message);
  }

  /** The refusal without the line, as Docker's builder words it for an ONBUILD trigger read when it runs. */
  String reason() {
    return reason;
  }
}
