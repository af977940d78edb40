package dev.berth.network.dns;

import java.net.InetSocketAddress;

/** A query being forwarded: which server has it now, and until when. */
final class Pending {
  final Endpoint endpoint;
  final DnsMessage.Query question;
  final byte[] query;
  final Client client;
  int server;
  int id;
  InetSocketAddress to;
  long deadline;

  Pending(Endpoint endpoint, DnsMessage.Query question, byte[] query, Client client) {
    this.endpoint = endpoint;
    this.question = question;
    this.query = query;
    this.client = client;
  }
}
