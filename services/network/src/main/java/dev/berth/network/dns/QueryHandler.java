package dev.berth.network.dns;

/** What a container's listeners hand each query they read to. */
interface QueryHandler {
  /** Answers {@code message}, a query from {@code e}'s container, to {@code client} in at most {@code limit} bytes. */
  void answer(Endpoint e, byte[] message, Client client, int limit);
}
