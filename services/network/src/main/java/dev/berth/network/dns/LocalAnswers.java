package dev.berth.network.dns;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** What the resolver answers itself: the names of peers, and Docker's ndots rule for single labels. */
final class LocalAnswers {
  private volatile PeerNames names = PeerNames.EMPTY;

  void names(List<AttachmentInfo> attachments, Set<String> userDefined) {
    names = PeerNames.of(attachments, userDefined);
  }

  /** The answer to {@code q} from {@code e}'s container, or null if it is for an external server. */
  byte[] answer(Endpoint e, DnsMessage.Query q, int limit) {
    byte[] reply = fromNames(e.key, q, limit);
    if (reply != null) {
      return reply;
    }
    if (e.ndotsSet && (q.type() == DnsMessage.TYPE_A || q.type() == DnsMessage.TYPE_AAAA)
        && !q.name().contains(".")) {
      return DnsMessage.addresses(q, List.of(), limit);
    }
    return null;
  }

  private byte[] fromNames(String asker, DnsMessage.Query q, int limit) {
    PeerNames snapshot = names;
    switch (q.type()) {
      case DnsMessage.TYPE_A, DnsMessage.TYPE_AAAA, DnsMessage.TYPE_MX -> {
        List<PeerNames.Peer> found = snapshot.lookup(asker, q.name());
        if (found.isEmpty()) {
          return null;
        }
        // a known name without IPv6 addresses, or an "implicit MX": NOERROR without answers, as Docker
        return switch (q.type()) {
          case DnsMessage.TYPE_A -> DnsMessage.addresses(q, shuffled(found.stream().map(PeerNames.Peer::ip)), limit);
          case DnsMessage.TYPE_AAAA -> DnsMessage.addresses6(q,
              shuffled(found.stream().map(PeerNames.Peer::ip6).filter(Objects::nonNull)), limit);
          default -> DnsMessage.addresses(q, List.of(), limit);
        };
      }
      case DnsMessage.TYPE_PTR -> {
        Ipv4 ip = DnsMessage.reverseAddress(q.name());
        Ipv6 ip6 = ip == null ? DnsMessage.reverseAddress6(q.name()) : null;
        String address = ip != null ? ip.toString() : ip6 != null ? ip6.toString() : null;
        String name = address == null ? null : snapshot.pointer(asker, address);
        return name == null ? null : DnsMessage.pointer(q, name);
      }
      default -> {
        return null;
      }
    }
  }

  /** Docker's resolver shuffles a name's addresses, a little load spreading. */
  private static <T> List<T> shuffled(Stream<T> addresses) {
    List<T> list = new ArrayList<>(addresses.toList());
    Collections.shuffle(list, ThreadLocalRandom.current());
    return list;
  }
}
