package dev.berth.client.build;

import dev.berth.client.ClientException;

/**
 * A Dockerfile, or the build's options, refused before any step runs: Docker's daemon refuses
 * these as the answer to the build request, before its output stream begins.
 */
public final class DockerfileException extends ClientException {
  public DockerfileException(String message) {
    super(message);
  }

  /** An instruction refused as it is read, in the words of the parser Docker's legacy builder uses (BuildKit's). */
  static DockerfileException atLine(int line, String message) {
    return new DockerfileException("dockerfile parse error on line " + line + ": " + message);
  }
}
