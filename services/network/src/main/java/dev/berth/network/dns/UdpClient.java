package dev.berth.network.dns;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.logging.Logger;

/** A container's process that asked over UDP: answered from the listener it asked. */
record UdpClient(DatagramChannel channel, SocketAddress to) implements Client {
  private static final Logger LOG = Logger.getLogger(UdpClient.class.getName());

  @Override
  public void send(byte[] message) {
    try {
      channel.send(ByteBuffer.wrap(message), to);
    } catch (IOException e) {
      LOG.fine("answering " + to + ": " + e.getMessage());
    }
  }
}
