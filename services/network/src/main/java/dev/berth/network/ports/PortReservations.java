package dev.berth.network.ports;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.PortMapping;
import dev.berth.linux.ErrnoException;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Holds a bound socket for every published host port, as Docker does: binding is how a port in
 * use is detected (by any process, or another mapping), how a free port is picked for host port
 * 0, and it keeps others from binding the port while it is published. The DNAT rule answers
 * before the socket would: nothing is ever accepted on it.
 *
 * <p>Sockets belong to the network namespace of the thread that creates them: call this only
 * on the host namespace's thread.
 */
public final class PortReservations implements Closeable {
  private static final Logger LOG = Logger.getLogger(PortReservations.class.getName());
  private static final int PICK_ATTEMPTS = 10;

  private record Key(String protocol, String hostIp, int hostPort) {
    static Key of(PortMapping m) {
      return new Key(m.protocol().lowerCase(), m.hostIp().toString(), m.hostPort());
    }
  }

  private final Map<Key, Closeable> held = new HashMap<>();

  /**
   * Binds the mappings' host addresses on one host port, as Docker gives 0.0.0.0 and {@code ::} of
   * one {@code -p} the same port (so a client may use either family's address with it), and returns
   * them with the port bound. The mappings differ only in host IP; with host port 0 a port free on
   * all of them is picked, trying again a few times when the one the first address got is taken on
   * another. FAILED_PRECONDITION if the port is taken, INVALID_ARGUMENT if a host IP is not the host's.
   */
  public List<PortMapping> reserveTogether(List<PortMapping> mappings) throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<PortMapping> bound = new ArrayList<>();
      boolean all = false;
      try {
        for (PortMapping m : mappings) {
          bound.add(reserve(bound.isEmpty() ? m : m.withHostPort(bound.get(0).hostPort())));
        }
        all = true;
        return bound;
      } catch (BerthException e) {
        if (mappings.get(0).hostPort() != 0 || bound.isEmpty() || attempt == PICK_ATTEMPTS) {
          throw e;
        }
      } finally {
        // whatever stopped the binding, no address of the mapping keeps its port
        if (!all) {
          bound.forEach(this::release);
        }
      }
    }
  }

  /**
   * Binds the mapping's host address and port and returns the mapping with the port bound.
   * FAILED_PRECONDITION if the port is taken, INVALID_ARGUMENT if the host IP is not the host's.
   */
  public PortMapping reserve(PortMapping mapping) throws IOException {
    if (mapping.hostPort() != 0 && held.containsKey(Key.of(mapping))) {
      throw Errors.failedPrecondition("host port %s:%d/%s is already published",
          mapping.hostIp().inHostPort(), mapping.hostPort(), mapping.protocol().lowerCase());
    }
    Closeable socket;
    int port;
    if (mapping.hostIp() instanceof Ipv6 ip) {
      try {
        Ipv6OnlySocket bound = Ipv6OnlySocket.bind(ip, mapping.hostPort(), mapping.protocol() == PortMapping.Protocol.TCP);
        socket = bound;
        port = bound.port();
      } catch (ErrnoException e) {
        throw switch (e.errno()) {
          case ErrnoException.EADDRINUSE -> inUse(mapping);
          case ErrnoException.EADDRNOTAVAIL -> notOurs(mapping);
          default -> unbindable(mapping, e.errno() == ErrnoException.EINVAL, e.getMessage());
        };
      }
    } else {
      NetworkChannel channel = bind4(mapping);
      socket = channel;
      port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }
    PortMapping bound = mapping.withHostPort(port);
    held.put(Key.of(bound), socket);
    return bound;
  }

  private static NetworkChannel bind4(PortMapping mapping) throws IOException {
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getByAddress(mapping.hostIp().bytes()), mapping.hostPort());
    NetworkChannel channel = mapping.protocol() == PortMapping.Protocol.TCP
        ? ServerSocketChannel.open(StandardProtocolFamily.INET)
        : DatagramChannel.open(StandardProtocolFamily.INET);
    try {
      if (channel instanceof ServerSocketChannel server) {
        server.bind(address, 1);
      } else {
        channel.bind(address);
      }
      return channel;
    } catch (BindException e) {
      channel.close();
      throw String.valueOf(e.getMessage()).contains("assign requested address") ? notOurs(mapping) : inUse(mapping);
    } catch (SocketException e) {
      channel.close();
      throw unbindable(mapping, String.valueOf(e.getMessage()).contains("Invalid argument"), e.getMessage());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static BerthException notOurs(PortMapping mapping) {
    return Errors.invalidArgument("host IP %s is not an address of this host", mapping.hostIp());
  }

  private static BerthException inUse(PortMapping mapping) {
    return Errors.failedPrecondition("host port %s:%d/%s is already in use",
        mapping.hostIp().inHostPort(), mapping.hostPort(), mapping.protocol().lowerCase());
  }

  /**
   * A bind the kernel refused for another reason: INVALID_ARGUMENT when it found the address itself
   * wrong (EINVAL), FAILED_PRECONDITION otherwise; never an internal error, as the host IP is the user's.
   */
  private static BerthException unbindable(PortMapping mapping, boolean badAddress, String why) {
    String message = String.format("host port %s:%d/%s cannot be published: %s", mapping.hostIp().inHostPort(),
        mapping.hostPort(), mapping.protocol().lowerCase(), why);
    return badAddress ? Errors.invalidArgument("%s", message) : Errors.failedPrecondition("%s", message);
  }

  public void release(PortMapping mapping) {
    Closeable channel = held.remove(Key.of(mapping));
    if (channel != null) {
      closeQuietly(channel, mapping);
    }
  }

  @Override
  public void close() {
    held.forEach((key, channel) -> closeQuietly(channel, key));
    held.clear();
  }

  private static void closeQuietly(Closeable c, Object what) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.warning("closing the reservation of " + what + ": " + e.getMessage());
    }
  }
}
