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

  private static final int IDS = 0x10000;
  private static final int RANDOM_TRIES = 16;

  /**
   * A random id no pending query has, so that answers cannot be guessed; -1 when all 65536 are
   * taken. After a few random tries the ids are scanned from a random start, so the search ends.
   */
  int freeId() {
    if (pending.size() >= IDS) {
      return -1;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < RANDOM_TRIES; i++) {
      int id = random.nextInt(IDS);
      if (!pending.containsKey(id)) {
        return id;
      }
    }
    int start = random.nextInt(IDS);
    for (int i = 0; i < IDS; i++) {
      int id = (start + i) % IDS;
      if (!pending.containsKey(id)) {
        return id;
      }
    }
    return -1;
  }

  void close() {
    pending.clear();
    Sockets.closeQuietly(channel);
  }
}
