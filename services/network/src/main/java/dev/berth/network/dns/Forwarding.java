package dev.berth.network.dns;

import dev.berth.network.linux.NetnsSockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Forwards the queries nobody answered locally to the container's external servers in turn
 * (SERVFAIL and REFUSED answers and silence move on to the next, as in Docker), and SERVFAIL
 * comes back when none answered. A query that came over UDP goes out over the container's
 * {@link Forwarder} (or berthd's, for a server asked from the host); one that came over TCP goes
 * over a {@link TcpUpstream} connection of its own, as Docker's do. On the loop's thread only.
 */
final class Forwarding {
  private static final Logger LOG = Logger.getLogger(Forwarding.class.getName());
  /**
   * Docker's maxConcurrent: the queries one container may have waiting on external servers; more
   * are answered REFUSED at once, so one container cannot exhaust what the others share.
   */
  static final int MAX_CONCURRENT = 1024;
  /**
   * TCP connections to external servers one container's queries may hold open at once, and all
   * containers' together: each is a file descriptor of berthd's, so a container pipelining queries
   * over its 16 connections cannot take them all. Queries beyond are answered REFUSED at once, as
   * those beyond {@link #MAX_CONCURRENT} are.
   */
  static final int MAX_TCP_UPSTREAMS = 16;
  static final int MAX_TCP_UPSTREAMS_TOTAL = 256;
  /** Docker's extIOTimeout: how long one external server has to answer. */
  private static final long FORWARD_TIMEOUT = TimeUnit.SECONDS.toNanos(4);

  private final SelectorLoop loop;
  private final NetnsSockets sockets;
  final Forwarder hostForwarder;
  private final Set<TcpUpstream> tcpForwards = new HashSet<>();

  /** Opens the socket that asks servers from berthd's own namespace, and the thread that makes TCP sockets in containers'. */
  Forwarding(SelectorLoop loop) throws IOException {
    this.loop = loop;
    // dual-stack: the host's resolv.conf may name IPv6 servers, asked from here
    DatagramChannel host = DatagramChannel.open();
    try {
      host.configureBlocking(false);
      this.hostForwarder = new Forwarder(host);
      listen(hostForwarder, null);
      this.sockets = NetnsSockets.start("berth-dns-tcp-sockets");
    } catch (IOException | RuntimeException e) {
      Sockets.closeQuietly(host);
      throw e;
    }
  }

  /** Has the loop read the answers that come back to {@code f}, {@code owner}'s (null: berthd's). */
  void listen(Forwarder f, Endpoint owner) throws ClosedChannelException {
    loop.register(f.channel, SelectionKey.OP_READ, new Selectable() {
      @Override
      public void ready(SelectionKey key) throws IOException {
        readAnswers(f);
      }

      @Override
      public void failed(IOException e) {
        LOG.fine("DNS socket: " + e.getMessage());
      }

      @Override
      public Endpoint endpoint() {
        return owner;
      }
    });
  }

  /**
   * Forwards {@code p}, unless its container has {@link #MAX_CONCURRENT} queries waiting already
   * or, for a query over TCP, the TCP connections to external servers are at their cap.
   */
  void start(Pending p) {
    if (p.endpoint.forwarding >= MAX_CONCURRENT || p.client instanceof TcpClient && tcpCapped(p.endpoint)) {
      p.client.send(DnsMessage.rcode(p.question, DnsMessage.REFUSED));
      return;
    }
    p.endpoint.forwarding++;
    if (p.client instanceof TcpClient c) {
      c.waiting++;
    }
    forward(p, 0);
  }

  private boolean tcpCapped(Endpoint e) {
    if (tcpForwards.size() >= MAX_TCP_UPSTREAMS_TOTAL) {
      return true;
    }
    return tcpForwards.stream().filter(u -> u.pending.endpoint == e).count() >= MAX_TCP_UPSTREAMS;
  }

  /** Sends {@code p} to its endpoint's external server {@code index}, or SERVFAIL once none is left. */
  private void forward(Pending p, int index) {
    List<ExternalServer> servers = p.endpoint.servers;
    for (int i = index; i < servers.size(); i++) {
      ExternalServer server = servers.get(i);
      if (p.client instanceof TcpClient) {
        try {
          connectTcp(p, server);
        } catch (IOException | RuntimeException ex) {
          LOG.fine("forwarding over TCP to " + server + ": " + ex.getMessage());
          continue;
        }
        p.server = i;
        p.deadline = System.nanoTime() + FORWARD_TIMEOUT;
        return;
      }
      if (sendUdp(p, server)) {
        p.server = i;
        return;
      }
    }
    finish(p, DnsMessage.rcode(p.question, DnsMessage.SERVFAIL));
  }

  /**
   * Sends {@code p} to {@code server} over UDP; false if it could not be sent. Whatever goes wrong
   * (an address the socket cannot reach, an unparsable one) only moves the query on to the next
   * server, so that it is answered and its container's count of waiting queries goes down again.
   */
  private boolean sendUdp(Pending p, ExternalServer server) {
    Forwarder via = server.inHost() ? hostForwarder : p.endpoint.forwarder;
    try {
      InetSocketAddress to = new InetSocketAddress(Sockets.address(server.address()), 53);
      int id = via.freeId();
      if (id < 0) {
        LOG.fine("forwarding to " + server + ": every query id is in use");
        return false;
      }
      byte[] out = p.query.clone();
      DnsMessage.setId(out, id);
      via.channel.send(ByteBuffer.wrap(out), to);
      p.to = to;
      p.id = id;
      p.deadline = System.nanoTime() + FORWARD_TIMEOUT;
      via.pending.put(id, p);
      return true;
    } catch (IOException | RuntimeException ex) {
      LOG.fine("forwarding to " + server + ": " + ex);
      return false;
    }
  }

  private static void finish(Pending p, byte[] answer) {
    p.endpoint.forwarding--;
    if (p.client instanceof TcpClient c) {
      c.waiting--;
    }
    p.client.send(answer);
  }

  /**
   * Opens a TCP connection to {@code server} for {@code p}: from berthd's namespace (this thread's)
   * or from the container's, with a socket the {@link NetnsSockets} thread makes there while this
   * thread serves the others; the sweep gives up on it like on a silent server.
   */
  private void connectTcp(Pending p, ExternalServer server) throws IOException {
    TcpUpstream u = new TcpUpstream(p, this);
    InetSocketAddress to = new InetSocketAddress(Sockets.address(server.address()), 53);
    if (server.inHost()) {
      SocketChannel c = SocketChannel.open(Sockets.family(to.getAddress()));
      try {
        u.connect(c, to, loop);
      } catch (IOException | RuntimeException e) {
        Sockets.closeQuietly(c);
        throw e;
      }
      tcpForwards.add(u);
      return;
    }
    tcpForwards.add(u);
    sockets.open(p.endpoint.netns, () -> SocketChannel.open(Sockets.family(to.getAddress())))
        .whenComplete((c, error) -> {
          if (!loop.execute(() -> made(u, c, error, to)) && c != null) {
            Sockets.closeQuietly(c);
          }
        });
  }

  /** The socket made for {@code u} in its container's namespace, or why there is none; on the loop's thread. */
  private void made(TcpUpstream u, SocketChannel c, Throwable error, InetSocketAddress to) {
    if (!tcpForwards.contains(u) || !u.pending.endpoint.open) {
      // given up meanwhile: timed out, or the container's resolver closed
      if (c != null) {
        Sockets.closeQuietly(c);
      }
      return;
    }
    if (error != null) {
      LOG.fine("making a TCP socket in " + u.pending.endpoint.netns + ": " + error);
      failed(u);
      return;
    }
    try {
      u.connect(c, to, loop);
    } catch (IOException | RuntimeException e) {
      LOG.fine("forwarding over TCP to " + to + ": " + e.getMessage());
      failed(u);
    }
  }

  /** {@code u}'s server answered. */
  void answered(TcpUpstream u, byte[] answer) {
    tcpForwards.remove(u);
    u.close();
    relay(u.pending, answer);
  }

  /** {@code u}'s connection failed: the next server is asked. */
  void failed(TcpUpstream u) {
    tcpForwards.remove(u);
    u.close();
    forward(u.pending, u.pending.server + 1);
  }

  /** Relays an external server's answer, or asks the next server after a SERVFAIL or REFUSED. */
  private void relay(Pending p, byte[] answer) {
    int rcode = DnsMessage.responseCode(answer, answer.length);
    if (rcode < 0 || rcode == DnsMessage.SERVFAIL || rcode == DnsMessage.REFUSED) {
      forward(p, p.server + 1);
      return;
    }
    DnsMessage.setId(answer, p.question.id());
    finish(p, answer);
  }

  private void readAnswers(Forwarder f) throws IOException {
    for (SelectorLoop.Datagram d; (d = loop.receive(f.channel)) != null; ) {
      byte[] message = d.data();
      int rcode = DnsMessage.responseCode(message, message.length);
      Pending p = rcode < 0 ? null : f.pending.get(DnsMessage.id(message));
      if (p == null || !p.to.equals(d.from())) {
        continue; // late, spoofed or not a response
      }
      f.pending.remove(p.id);
      relay(p, message);
    }
  }

  /** Moves the queries whose server has been silent too long on to the next server. */
  void sweep(long now, Collection<Endpoint> endpoints) {
    List<Forwarder> forwarders = new ArrayList<>();
    forwarders.add(hostForwarder);
    endpoints.forEach(e -> forwarders.add(e.forwarder));
    for (Forwarder f : forwarders) {
      for (Pending p : List.copyOf(f.pending.values())) {
        if (now - p.deadline > 0) {
          f.pending.remove(p.id);
          if (p.endpoint.open) {
            forward(p, p.server + 1);
          }
        }
      }
    }
    for (TcpUpstream u : List.copyOf(tcpForwards)) {
      if (now - u.pending.deadline > 0) {
        tcpForwards.remove(u);
        u.close();
        if (u.pending.endpoint.open) {
          forward(u.pending, u.pending.server + 1);
        }
      }
    }
  }

  /**
   * Drops the queries of {@code e}, whose resolver closed: its TCP connections to external servers
   * are closed now rather than at their timeout, and its queries sent from berthd's namespace
   * forgotten (those sent from the container's went with its socket).
   */
  void drop(Endpoint e) {
    for (TcpUpstream u : List.copyOf(tcpForwards)) {
      if (u.pending.endpoint == e) {
        tcpForwards.remove(u);
        u.close();
      }
    }
    hostForwarder.pending.values().removeIf(p -> p.endpoint == e);
  }

  void close() {
    tcpForwards.forEach(TcpUpstream::close);
    tcpForwards.clear();
    hostForwarder.close();
    sockets.close();
  }
}
