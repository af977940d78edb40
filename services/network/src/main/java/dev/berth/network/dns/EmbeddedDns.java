package dev.berth.network.dns;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.linux.ErrnoException;
import dev.berth.network.linux.Netns;
import dev.berth.network.linux.Nftables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Docker's embedded DNS server: 127.0.0.11 in each container whose resolv.conf names it. Each
 * container has an {@link Endpoint} of its own, made in its network namespace; one
 * {@link SelectorLoop} thread serves them all, whatever the number of containers. Queries are
 * answered from the peers' names ({@link LocalAnswers}), or else forwarded to the container's
 * external servers ({@link Forwarding}). The thread and the sockets that ask external servers
 * start with the first container served, so a berthd whose containers are all on the default
 * bridge (which has no resolver) keeps neither.
 */
public final class EmbeddedDns implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDns.class.getName());

  private final LocalAnswers local = new LocalAnswers();
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  // set once, by the first open, before the loop's thread starts (which then reads them)
  private volatile SelectorLoop loop;
  private volatile Forwarding forwarding;
  private boolean closed;

  private EmbeddedDns() {}

  /** A server with no container yet: no thread, no socket. */
  public static EmbeddedDns create() {
    return new EmbeddedDns();
  }

  /** Starts the selector thread and the socket that asks external servers from berthd's namespace, once. */
  private synchronized SelectorLoop running() throws IOException {
    if (closed) {
      throw new IOException("the embedded DNS server is closed");
    }
    if (loop == null) {
      SelectorLoop started = SelectorLoop.open();
      try {
        forwarding = new Forwarding(started);
      } catch (IOException | RuntimeException e) {
        started.close();
        throw e;
      }
      loop = started;
      started.start(this::sweep, this::broken);
    }
    return loop;
  }

  /** Replaces the names answered: those of {@code attachments} on the {@code userDefined} networks. */
  public void names(List<AttachmentInfo> attachments, Set<String> userDefined) {
    local.names(attachments, userDefined);
  }

  /** Whether a resolver serves the container. */
  public boolean serves(String namespace, String containerId) {
    return endpoints.containsKey(PeerNames.key(namespace, containerId));
  }

  /**
   * Opens the container's resolver in {@code netns}, forwarding to {@code servers}, and points
   * 127.0.0.11:53 at it; a resolver it had already is replaced (the rules move in one step).
   * {@code ndotsSet}: the container's ndots came from the host or the user, so single-label names
   * nobody answered locally are not forwarded (Docker's rule, letting the client try its search list).
   */
  public void open(String namespace, String containerId, Path netns, List<ExternalServer> servers,
      boolean ndotsSet) throws IOException {
    String key = PeerNames.key(namespace, containerId);
    SelectorLoop running = running();
    Endpoint endpoint = Netns.callIn(netns, () -> Endpoint.open(key, netns, servers, ndotsSet));
    Endpoint old = endpoints.put(key, endpoint);
    running.call(() -> {
      if (old != null) {
        shut(old);
      }
      endpoint.register(loop, this::answer, forwarding);
    });
  }

  /**
   * Closes the container's resolver and, if its namespace still exists (one the caller gave and
   * keeps), takes its rules out. Nothing to do if it has none.
   */
  public void close(String namespace, String containerId) {
    Endpoint endpoint = endpoints.remove(PeerNames.key(namespace, containerId));
    if (endpoint == null) {
      return;
    }
    try {
      loop.call(() -> shut(endpoint));
    } catch (IOException e) {
      LOG.warning("closing the DNS resolver of " + endpoint.key + ": " + e.getMessage());
    }
    try {
      Netns.callIn(endpoint.netns, () -> {
        try (Nftables nft = Nftables.open()) {
          return nft.run("add table " + ResolverRules.TABLE + "\ndelete table " + ResolverRules.TABLE + "\n");
        }
      });
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.EINVAL) {
        LOG.warning("removing the DNS rules of " + endpoint.key + ": " + e.getMessage());
      }
    } catch (IOException e) {
      LOG.warning("removing the DNS rules of " + endpoint.key + ": " + e.getMessage());
    }
  }

  /** The number of containers served, for tests that look for leaks. */
  public int served() {
    return endpoints.size();
  }

  /** Stops the thread and closes every socket; the rules stay, for the next start to repoint. */
  @Override
  public synchronized void close() {
    closed = true;
    if (loop == null) {
      return;
    }
    loop.close();
    endpoints.values().forEach(Endpoint::closeSockets);
    endpoints.clear();
    forwarding.close();
  }

  /** Answers a query from the names, or forwards it. */
  private void answer(Endpoint e, byte[] message, Client client, int limit) {
    DnsMessage.Query q = DnsMessage.parseQuery(message, message.length);
    if (q == null) {
      return; // Docker's resolver ignores what has no question
    }
    byte[] reply = local.answer(e, q, limit);
    if (reply != null) {
      client.send(reply);
      return;
    }
    forwarding.start(new Pending(e, q, message, client));
  }

  /** Stops serving a container whose state an Error left in doubt; its queries then go unanswered. */
  private void broken(Endpoint e) {
    endpoints.remove(e.key, e);
    shut(e);
  }

  /** Closes {@code e}'s sockets and the connections its queries opened to external servers; on the loop's thread. */
  private void shut(Endpoint e) {
    e.closeSockets();
    forwarding.drop(e);
  }

  private void sweep(long now) {
    forwarding.sweep(now, endpoints.values());
    for (Endpoint e : endpoints.values()) {
      for (TcpClient c : List.copyOf(e.clients)) {
        if (c.expired(now)) {
          c.close();
        }
      }
    }
  }
}
