package dev.berth.network.dns;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Ipv4;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
        List<Ipv4> found = snapshot.lookup(asker, q.name());
        if (found.isEmpty()) {
          return null;
        }
        if (q.type() != DnsMessage.TYPE_A) {
          // a known name without IPv6 addresses, or an "implicit MX": NOERROR without answers, as Docker
          return DnsMessage.addresses(q, List.of(), limit);
        }
        List<Ipv4> shuffled = new ArrayList<>(found);
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return DnsMessage.addresses(q, shuffled, limit);
      }
      case DnsMessage.TYPE_PTR -> {
        Ipv4 ip = DnsMessage.reverseAddress(q.name());
        String name = ip == null ? null : snapshot.pointer(asker, ip);
        return name == null ? null : DnsMessage.pointer(q, name);
      }
      default -> {
        return null;
      }
    }
  }
}
