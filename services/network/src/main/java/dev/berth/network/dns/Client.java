package dev.berth.network.dns;

/** Where the answer to a container's query goes. */
interface Client {
  void send(byte[] message);
}
