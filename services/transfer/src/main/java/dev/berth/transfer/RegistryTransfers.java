package dev.berth.transfer;

import dev.berth.api.grpc.Channels;
import dev.berth.transfer.pull.ImagePuller;
import dev.berth.transfer.push.ImagePusher;
import dev.berth.transfer.registry.Credentials;
import dev.berth.transfer.registry.Reference;
import dev.berth.transfer.registry.RegistryClient;
import dev.berth.transfer.registry.RegistryHosts;
import dev.berth.transfer.registry.TokenCache;
import io.grpc.Channel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@link Transfers} over OCI distribution registries, writing and reading through the Content,
 * Images, Leases, Snapshots and Diff APIs that {@code api} reaches.
 */
public final class RegistryTransfers implements Transfers {
  /** Layers fetched or uploaded at once unless a request says otherwise (Docker's default too). */
  public static final int DEFAULT_CONCURRENCY = 3;
  /** Where a registry's own CA certificates live, as {@code /etc/docker/certs.d} for Docker. */
  public static final Path DEFAULT_CERTS_DIR = Path.of("/etc/berth/certs.d");

  private final Channel api;
  private final RegistryHosts hosts;
  private final TokenCache tokens;

  public RegistryTransfers(Channel api, Path certsDir) {
    this.api = api;
    this.hosts = new RegistryHosts(certsDir);
    this.tokens = new TokenCache(Clock.systemUTC());
  }

  @Override
  public Transferred pull(PullOrder order, TransferListener listener) {
    RegistryClient registry = RegistryClient.forPull(order.reference(), order.insecure(), hosts, tokens,
        order.credentials());
    return new ImagePuller(Channels.inNamespace(api, order.namespace())).pull(order, registry, listener);
  }

  @Override
  public Transferred push(PushOrder order, TransferListener listener) {
    RegistryClient registry = RegistryClient.forPush(order.destination(), order.insecure(), hosts, tokens,
        order.credentials());
    return new ImagePusher(Channels.inNamespace(api, order.namespace())).push(order, order.destination(), registry,
        listener);
  }

  @Override
  public List<String> tags(Reference repository, Credentials credentials, boolean insecure) {
    return RegistryClient.forTags(repository, insecure, hosts, tokens, credentials).tags(0);
  }

  @Override
  public String login(String registry, Credentials credentials, boolean insecure) {
    String host = Reference.hostOf(registry);
    RegistryClient.login(host, insecure, hosts, tokens, credentials);
    return host;
  }
}
