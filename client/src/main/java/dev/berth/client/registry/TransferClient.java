package dev.berth.client.registry;

import berth.transfer.v1.BlobProgress;
import berth.transfer.v1.ListTagsRequest;
import berth.transfer.v1.LoginRequest;
import berth.transfer.v1.PullRequest;
import berth.transfer.v1.PushRequest;
import berth.transfer.v1.RegistryAuth;
import berth.transfer.v1.TransferDone;
import berth.transfer.v1.TransferGrpc;
import berth.transfer.v1.TransferProgress;
import dev.berth.client.ClientException;
import dev.berth.client.images.ImageNames;
import io.grpc.Channel;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pulls, pushes, tag lists and logins through berthd's Transfer API, with the credentials a user keeps in
 * {@link RegistryCredentials} for the registry named.
 */
public final class TransferClient {
  private final TransferGrpc.TransferBlockingStub transfer;
  private final RegistryCredentials credentials;

  /** {@code channel} carries the namespace. */
  public TransferClient(Channel channel, RegistryCredentials credentials) {
    this.transfer = TransferGrpc.newBlockingStub(channel);
    this.credentials = credentials;
  }

  /** The registry host of an image reference: {@code busybox} is on {@code docker.io}. */
  public static String registryOf(String reference) {
    try {
      String full = ImageNames.normalize(reference);
      return full.substring(0, full.indexOf('/'));
    } catch (IllegalArgumentException e) {
      throw new ClientException(e.getMessage());
    }
  }

  /** Pulls, with the kept credentials for the reference's registry; tells {@code progress} each blob event. */
  public TransferDone pull(PullRequest request, Consumer<BlobProgress> progress) {
    PullRequest withAuth = request.toBuilder().setAuth(authFor(registryOf(request.getReference()))).build();
    return follow(transfer.pull(withAuth), progress, digest -> { });
  }

  /**
   * Pushes, with the kept credentials for the destination's registry; {@code contentMissing} is
   * told the digest that was to be pushed when the push stops for content neither here nor on the
   * registry, before
   * the call's NOT_FOUND is thrown.
   */
  public TransferDone push(PushRequest request, Consumer<BlobProgress> progress, Consumer<String> contentMissing) {
    String destination = request.getReference().isEmpty() ? request.getImage() : request.getReference();
    PushRequest withAuth = request.toBuilder().setAuth(authFor(registryOf(destination))).build();
    return follow(transfer.push(withAuth), progress, contentMissing);
  }

  /** The tags of {@code repository} (a name without tag or digest), with the kept credentials for its registry. */
  public List<String> tags(String repository, boolean insecure) {
    return transfer.listTags(ListTagsRequest.newBuilder().setRepository(repository).setInsecure(insecure)
        .setAuth(authFor(registryOf(repository))).build()).getTagsList();
  }

  /**
   * Checks {@code login} against {@code registry} and, if it is accepted, keeps it; returns the
   * host it is kept under.
   */
  public String login(String registry, RegistryCredentials.Login login, boolean insecure) {
    String host = transfer.login(LoginRequest.newBuilder().setRegistry(registry).setInsecure(insecure)
        .setAuth(RegistryAuth.newBuilder().setUsername(login.username()).setPassword(login.password())).build())
        .getRegistry();
    credentials.put(host, login);
    return host;
  }

  private RegistryAuth authFor(String host) {
    Optional<RegistryCredentials.Login> login = credentials.get(host);
    return login.map(l -> RegistryAuth.newBuilder().setUsername(l.username()).setPassword(l.password()).build())
        .orElse(RegistryAuth.getDefaultInstance());
  }

  private static TransferDone follow(Iterator<TransferProgress> responses, Consumer<BlobProgress> progress,
      Consumer<String> contentMissing) {
    TransferDone done = null;
    while (responses.hasNext()) {
      TransferProgress p = responses.next();
      if (p.hasBlob()) {
        progress.accept(p.getBlob());
      } else if (p.hasContentMissing()) {
        contentMissing.accept(p.getContentMissing().getDigest());
      } else if (p.hasDone()) {
        done = p.getDone();
      }
    }
    if (done == null) {
      throw new ClientException("the transfer ended without saying what it transferred");
    }
    return done;
  }
}
