package dev.berth.api.network;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which of a container's bridge networks is its gateway: the one its default routes (both
 * families) go through and its ports are published on. Docker 27's daemon ranks a sandbox's
 * endpoints so: not internal before internal (an internal network has no gateway, so it never
 * wins), then IPv4 and IPv6 before IPv4 alone, then by network name; the order the networks were
 * given in plays no part.
 */
public final class GatewayElection {
  /** A network as the election sees it. */
  public record Candidate(String network, boolean internal, boolean ipv6) {}

  private static final Comparator<Candidate> RANK = Comparator.comparing(Candidate::internal)
      .thenComparing(c -> !c.ipv6())
      .thenComparing(Candidate::network);

  private GatewayElection() {}

  /** The winner among {@code candidates}; empty when every one is internal (or there is none). */
  public static Optional<Candidate> winner(List<Candidate> candidates) {
    return candidates.stream().filter(c -> !c.internal()).min(RANK);
  }
}
