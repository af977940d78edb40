package dev.berth.api.network;

import java.nio.file.Path;

/** The generated /etc/hosts, /etc/hostname and /etc/resolv.conf of a container. */
public record ContainerFilePaths(Path hosts, Path hostname, Path resolvConf) {
  public static ContainerFilePaths in(Path directory) {
    return new ContainerFilePaths(directory.resolve("hosts"), directory.resolve("hostname"),
        directory.resolve("resolv.conf"));
  }
}
