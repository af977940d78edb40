package dev.berth.api.network.testing;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.PortMapping;
import java.util.HashSet;
import java.util.Set;

/**
 * The host ports published, refused twice with the kernel manager's code (FAILED_PRECONDITION).
 * An address-wide mapping (0.0.0.0, {@code ::}) and one on a single address of its family, of the
 * same port and protocol, collide, as their sockets would. Host port 0 takes the first free port of the ephemeral range.
 */
final class HostPorts {
  private static final int FIRST_EPHEMERAL = 32768;
  private static final int LAST_EPHEMERAL = 60999;

  private final Set<PortMapping> published = new HashSet<>();

  PortMapping reserve(PortMapping asked) {
    if (asked.hostPort() == 0) {
      for (int port = FIRST_EPHEMERAL; port <= LAST_EPHEMERAL; port++) {
        PortMapping candidate = asked.withHostPort(port);
        if (!taken(candidate)) {
          published.add(candidate);
          return candidate;
        }
      }
      throw Errors.resourceExhausted("no free host port left for %s", asked);
    }
    if (taken(asked)) {
      throw Errors.failedPrecondition("host port %s:%d/%s is already published",
          asked.hostIp(), asked.hostPort(), asked.protocol().lowerCase());
    }
    published.add(asked);
    return asked;
  }

  void release(PortMapping mapping) {
    published.remove(mapping);
  }

  private boolean taken(PortMapping m) {
    return published.stream().anyMatch(p -> p.hostPort() == m.hostPort() && p.protocol() == m.protocol()
        && p.hostIp().isIpv6() == m.hostIp().isIpv6() && (p.hostIp().equals(m.hostIp()) || p.hostIp().isUnspecified() || m.hostIp().isUnspecified()));
  }
}
