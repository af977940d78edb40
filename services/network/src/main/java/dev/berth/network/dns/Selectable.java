package dev.berth.network.dns;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/** The owner of a socket the {@link SelectorLoop} serves, told when the socket is ready. */
interface Selectable {
  void ready(SelectionKey key) throws IOException;

  /** Reading or writing the socket failed: the owner closes it, or moves on. */
  void failed(IOException e);

  /** The container whose socket it is, to name in logs and to close if serving it broke; null for berthd's own. */
  Endpoint endpoint();
}
