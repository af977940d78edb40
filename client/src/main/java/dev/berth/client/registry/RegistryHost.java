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
   * The host {@code name} names: a host, or a URL of it, the part before the first slash as
   * Docker's CLI takes it ({@code credentials.ConvertToHostname}), so {@code foo/bar} names the
   * host {@code foo}, not a repository on Docker Hub.
   *
   * @throws IllegalArgumentException if {@code name} names no host
   */
  public static String of(String name) {
    String host = name.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("no registry named");
    }
    if (host.equals(DOCKER_HUB_INDEX) || host.equals(DOCKER_HUB_ENDPOINT)) {
      return ImageNames.DEFAULT_DOMAIN;
    }
    return host;
  }
}
