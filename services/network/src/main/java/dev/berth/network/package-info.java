/**
 * Berth's network API (berth.network.v1), served by {@link dev.berth.network.NetworkServices}:
 * {@code NetworksService} and {@code AttachmentsService} (gRPC, thin) over a
 * {@link dev.berth.network.NetworkManager}, whose kernel implementation
 * {@link dev.berth.network.KernelNetworkManager} makes bridges, veths, NAT rules and the
 * containers' /etc files, over {@code store.NetworkStore}, the records in the metadata database;
 * {@code dns.EmbeddedDns} is the DNS server at 127.0.0.11 of user-defined networks.
 * The ports and extra-hosts values it takes are parsed with the grammars of
 * {@link dev.berth.api.labels}, the ones clients write them in.
 */
package dev.berth.network;
