package dev.berth.client.registry;

import dev.berth.client.images.ImageNames;

/**
 * The registry host that {@code login} and {@code logout} name, and the key its credentials are
 * kept under: one rule for both, so that logout forgets what login kept however either was written
 * ({@code https://index.docker.io/v1/}, {@code index.docker.io} and {@code docker.io} are all
 * Docker Hub's {@code docker.io}).
 */
public final class RegistryHost {
  private static final String DOCKER_HUB_INDEX = "index.docker.io";
  private static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

  private RegistryHost() {}

  /**
   * The host {@code name} names: a host, a URL of it, or any image reference on it; a slash at the
   * end is no path, as in the URL Docker's daemon takes the host from ({@code 127.0.0.1:5000/}).
   *
   * @throws IllegalArgumentException if {@code name} names no host, or is a bad image reference
   */
  public static String of(String name) {
    String registry = name.replaceFirst("/+$", "");
    String host = registry.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("no registry named");
    }
    if (host.equals(DOCKER_HUB_INDEX) || host.equals(DOCKER_HUB_ENDPOINT)) {
      return ImageNames.DEFAULT_DOMAIN;
    }
    if (registry.contains("/") && !registry.startsWith("http")) {
      String full = ImageNames.normalize(registry);
      return full.substring(0, full.indexOf('/'));
    }
    return host;
  }
}
