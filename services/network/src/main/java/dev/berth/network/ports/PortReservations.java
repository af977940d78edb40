package dev.berth.network.ports;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.PortMapping;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
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

  private record Key(String protocol, String hostIp, int hostPort) {
    static Key of(PortMapping m) {
      return new Key(m.protocol().lowerCase(), m.hostIp().toString(), m.hostPort());
    }
  }

  private final Map<Key, NetworkChannel> held = new HashMap<>();

  /**
   * Binds the mapping's host address and port and returns the mapping with the port bound.
   * FAILED_PRECONDITION if the port is taken, INVALID_ARGUMENT if the host IP is not the host's.
   */
  public PortMapping reserve(PortMapping mapping) throws IOException {
    if (mapping.hostPort() != 0 && held.containsKey(Key.of(mapping))) {
      throw Errors.failedPrecondition("host port %s:%d/%s is already published",
          mapping.hostIp(), mapping.hostPort(), mapping.protocol().lowerCase());
    }
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
    } catch (BindException e) {
      channel.close();
      if (String.valueOf(e.getMessage()).contains("assign requested address")) {
        throw Errors.invalidArgument("host IP %s is not an address of this host", mapping.hostIp());
      }
      throw Errors.failedPrecondition("host port %s:%d/%s is already in use",
          mapping.hostIp(), mapping.hostPort(), mapping.protocol().lowerCase());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    PortMapping bound = mapping.withHostPort(port);
    held.put(Key.of(bound), channel);
    return bound;
  }

  public void release(PortMapping mapping) {
    NetworkChannel channel = held.remove(Key.of(mapping));
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
