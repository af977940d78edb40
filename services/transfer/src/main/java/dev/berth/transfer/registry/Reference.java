package dev.berth.transfer.registry;

import dev.berth.api.grpc.Errors;
import dev.berth.client.images.ImageNames;
import dev.berth.client.registry.RegistryHost;

/**
 * An image reference resolved the Docker way ({@code busybox} is
 * {@code docker.io/library/busybox:latest}): the registry host, the repository on it, and a tag or
 * a digest.
 */
public record Reference(String host, String repository, String tag, String digest) {
  /** Docker Hub's name in references, and the host its registry API answers on. */
  static final String DOCKER_HUB = ImageNames.DEFAULT_DOMAIN;
  static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

  /** INVALID_ARGUMENT for what is no image reference. */
  public static Reference parse(String reference) {
    String full;
    try {
      full = ImageNames.normalize(reference);
    } catch (IllegalArgumentException e) {
      throw Errors.invalidArgument("%s", e.getMessage());
    }
    String digest = null;
    String tag = null;
    String name = full;
    int at = full.indexOf('@');
    if (at >= 0) {
      digest = full.substring(at + 1);
      name = full.substring(0, at);
    } else {
      int colon = full.lastIndexOf(':');
      tag = full.substring(colon + 1);
      name = full.substring(0, colon);
    }
    int slash = name.indexOf('/');
    return new Reference(name.substring(0, slash), name.substring(slash + 1), tag, digest);
  }

  /** The registry host a login names, by {@link RegistryHost}'s rule; INVALID_ARGUMENT for none. */
  public static String hostOf(String name) {
    try {
      return RegistryHost.of(name);
    } catch (IllegalArgumentException e) {
      throw Errors.invalidArgument("%s", e.getMessage());
    }
  }

  /** The host:port the registry API answers on. */
  public static String endpoint(String host) {
    return host.equals(DOCKER_HUB) ? DOCKER_HUB_ENDPOINT : host;
  }

  /** The full name, as image records are named: {@code host/repository:tag} or {@code host/repository@digest}. */
  public String name() {
    return repositoryName() + (digest != null ? "@" + digest : ":" + tag);
  }

  /** {@code host/repository}, as people name a repository. */
  public String repositoryName() {
    return host + "/" + repository;
  }

  /** What the manifests endpoint is asked for: the digest if given, else the tag. */
  public String object() {
    return digest != null ? digest : tag;
  }

  /** The same repository, another tag or digest. */
  public Reference withObject(String tagOrDigest) {
    return tagOrDigest.contains(":") ? new Reference(host, repository, null, tagOrDigest)
        : new Reference(host, repository, tagOrDigest, null);
  }

  @Override
  public String toString() {
    return name();
  }
}
