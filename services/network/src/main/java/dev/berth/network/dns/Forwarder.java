package dev.berth.network.dns;

import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** A UDP socket that asks external servers, and the queries it is waiting on, by the id it gave them. */
final class Forwarder {
  final DatagramChannel channel;
  final Map<Integer, Pending> pending = new HashMap<>(4);

  Forwarder(DatagramChannel channel) {
    this.channel = channel;
  }

  /** A random id no pending query has, so that answers cannot be guessed. */
  int freeId() {
    int id;
    do {
      id = ThreadLocalRandom.current().nextInt(0x10000);
    } while (pending.containsKey(id));
    return id;
  }

  void close() {
    pending.clear();
    Sockets.closeQuietly(channel);
  }
}
