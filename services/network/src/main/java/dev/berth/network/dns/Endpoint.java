package dev.berth.network.dns;

import dev.berth.network.linux.Nftables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One container's resolver: a UDP and a TCP listener on 127.0.0.11 at ephemeral ports, which
 * {@link ResolverRules} put behind port 53, the UDP socket that forwards its queries to its
 * external servers (IPv4 or IPv6), and its TCP clients. All made in the container's network namespace.
 */
final class Endpoint {
  private static final Logger LOG = Logger.getLogger(Endpoint.class.getName());
  private static final InetAddress RESOLVER_ADDRESS = Sockets.address(ResolverRules.ADDRESS);
  /**
   * TCP connections one container may hold open; further ones are closed as soon as accepted, so
   * that one container cannot take berthd's file descriptors (Docker's resolver has no cap, but a
   * goroutine per connection of its own).
   */
  static final int MAX_TCP_CLIENTS = 16;

  final String key;
  final Path netns;
  final List<ExternalServer> servers;
  final boolean ndotsSet;
  private final DatagramChannel udp;
  private final ServerSocketChannel tcp;
  final Forwarder forwarder;
  final List<TcpClient> clients = new ArrayList<>(0);
  /** Queries waiting on external servers, capped at {@link Forwarding#MAX_CONCURRENT}. */
  int forwarding;
  boolean open = true;

  private Endpoint(String key, Path netns, List<ExternalServer> servers, boolean ndotsSet, DatagramChannel udp,
      ServerSocketChannel tcp, Forwarder forwarder) {
    this.key = key;
    this.netns = netns;
    this.servers = servers.stream().filter(s -> !isResolver(s)).toList();
    this.ndotsSet = ndotsSet;
    this.udp = udp;
    this.tcp = tcp;
    this.forwarder = forwarder;
  }

  /**
   * Opens the sockets and points 127.0.0.11:53 at them; on a thread inside the container's
   * namespace, where they then belong.
   */
  static Endpoint open(String key, Path netns, List<ExternalServer> servers, boolean ndotsSet)
      throws IOException {
    DatagramChannel udp = null;
    ServerSocketChannel tcp = null;
    DatagramChannel out = null;
    Endpoint e;
    try {
      udp = DatagramChannel.open(StandardProtocolFamily.INET);
      udp.bind(new InetSocketAddress(RESOLVER_ADDRESS, 0));
      udp.configureBlocking(false);
      tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
      tcp.bind(new InetSocketAddress(RESOLVER_ADDRESS, 0), MAX_TCP_CLIENTS);
      tcp.configureBlocking(false);
      out = DatagramChannel.open(); // dual-stack, for IPv4 and IPv6 servers alike
      out.configureBlocking(false);
      e = new Endpoint(key, netns, servers, ndotsSet, udp, tcp, new Forwarder(out));
    } catch (IOException | RuntimeException ex) {
      for (Channel c : new Channel[] {udp, tcp, out}) {
        if (c != null) {
          c.close();
        }
      }
      throw ex;
    }
    try (Nftables nft = Nftables.open()) {
      nft.run(ResolverRules.render(port(udp), port(tcp)));
    } catch (IOException | RuntimeException ex) {
      e.closeSockets();
      throw ex;
    }
    return e;
  }

  /**
   * Whether {@code s} is this resolver, asked from the container's namespace (as {@code --dns
   * 127.0.0.11} would): a query forwarded there would come back to it for ever, so Docker drops
   * it (filterExtServers). The host's own 127.0.0.11 is another server.
   */
  static boolean isResolver(ExternalServer s) {
    return !s.inHost() && Sockets.address(s.address()).equals(RESOLVER_ADDRESS);
  }

  private static int port(NetworkChannel c) throws IOException {
    return ((InetSocketAddress) c.getLocalAddress()).getPort();
  }

  /** Has {@code loop} serve the listeners, handing queries to {@code handler}, and the forwarding socket. */
  void register(SelectorLoop loop, QueryHandler handler, Forwarding forwarding) throws ClosedChannelException {
    loop.register(udp, SelectionKey.OP_READ, new Listener() {
      @Override
      public void ready(SelectionKey k) throws IOException {
        for (SelectorLoop.Datagram d; (d = loop.receive(udp)) != null; ) {
          handler.answer(Endpoint.this, d.data(), new UdpClient(udp, d.from()), DnsMessage.UDP_LIMIT);
        }
      }
    });
    loop.register(tcp, SelectionKey.OP_ACCEPT, new Listener() {
      @Override
      public void ready(SelectionKey k) throws IOException {
        SocketChannel c;
        while ((c = tcp.accept()) != null) {
          if (clients.size() >= MAX_TCP_CLIENTS) {
            Sockets.closeQuietly(c);
            continue;
          }
          c.configureBlocking(false);
          TcpClient client = new TcpClient(Endpoint.this, c, handler);
          client.key = loop.register(c, SelectionKey.OP_READ, client);
          clients.add(client);
        }
      }
    });
    forwarding.listen(forwarder, this);
  }

  /** One of the resolver's listeners: a failure is only logged, as the next query or connection tries again. */
  private abstract class Listener implements Selectable {
    @Override
    public void failed(IOException e) {
      LOG.fine("DNS socket of " + key + ": " + e.getMessage());
    }

    @Override
    public Endpoint endpoint() {
      return Endpoint.this;
    }
  }

  void closeSockets() {
    open = false;
    List.copyOf(clients).forEach(TcpClient::close);
    Sockets.closeQuietly(udp);
    Sockets.closeQuietly(tcp);
    forwarder.close();
  }
}
