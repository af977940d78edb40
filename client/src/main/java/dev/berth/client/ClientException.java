package dev.berth.client;

/**
 * The client cannot do what was asked for a reason found on the client side: an archive that is
 * not an image, an image without content for this platform, a layer that unpacks to another diff
 * ID than its config promises. Failures answered by berthd arrive as gRPC status exceptions.
 */
public class ClientException extends RuntimeException {
  public ClientException(String message) {
    super(message);
  }

  public ClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
