package dev.berth.transfer;

import berth.transfer.v1.BlobProgress;
import berth.transfer.v1.BlobState;
import berth.transfer.v1.ContentMissing;
import berth.transfer.v1.ListTagsRequest;
import berth.transfer.v1.ListTagsResponse;
import berth.transfer.v1.LoginRequest;
import berth.transfer.v1.LoginResponse;
import berth.transfer.v1.PullRequest;
import berth.transfer.v1.PushRequest;
import berth.transfer.v1.RegistryAuth;
import berth.transfer.v1.TransferDone;
import berth.transfer.v1.TransferGrpc;
import berth.transfer.v1.TransferProgress;
import dev.berth.api.grpc.Errors;
import dev.berth.client.ClientException;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.Platform;
import dev.berth.common.grpc.RequestContext;
import dev.berth.transfer.registry.Credentials;
import dev.berth.transfer.registry.Reference;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;

/** Berth's Transfer API over {@link Transfers}, in the caller's namespace. */
public final class TransferService extends TransferGrpc.TransferImplBase {
  private static final String DEFAULT_SNAPSHOTTER = "overlayfs";

  private final Transfers transfers;

  public TransferService(Transfers transfers) {
    this.transfers = transfers;
  }

  @Override
  public void pull(PullRequest request, StreamObserver<TransferProgress> responses) {
    Reference reference = Reference.parse(request.getReference());
    PullOrder order = new PullOrder(RequestContext.namespace(), reference, Platform.parse(request.getPlatform()),
        request.getAllPlatforms(), request.getUnpack() ? snapshotter(request.getSnapshotter()) : null,
        credentials(request.getAuth()), request.getInsecure(), concurrency(request.getMaxConcurrentDownloads()));
    Progress progress = new Progress(responses);
    Transferred done = run(() -> transfers.pull(order, progress));
    progress.finish(done);
  }

  @Override
  public void push(PushRequest request, StreamObserver<TransferProgress> responses) {
    if (request.getImage().isEmpty()) {
      throw Errors.invalidArgument("no image named to push");
    }
    String destination = request.getReference().isEmpty() ? request.getImage() : request.getReference();
    if (!ImageNames.isValid(destination)) {
      throw Errors.invalidArgument("cannot push to \"%s\": not an image reference", destination);
    }
    if (!request.getPlatform().isEmpty() && request.getAllPlatforms()) {
      throw Errors.invalidArgument("platform %s and all_platforms ask for two pushes: one platform's manifest, or the"
          + " whole image; set one of them", request.getPlatform());
    }
    PushOrder order = new PushOrder(RequestContext.namespace(), request.getImage(), Reference.parse(destination),
        request.getPlatform().isEmpty() ? null : Platform.parse(request.getPlatform()), request.getAllPlatforms(),
        credentials(request.getAuth()),
        request.getInsecure(), RegistryTransfers.DEFAULT_CONCURRENCY);
    Progress progress = new Progress(responses);
    Transferred done = run(() -> transfers.push(order, progress));
    progress.finish(done);
  }

  @Override
  public void login(LoginRequest request, StreamObserver<LoginResponse> responses) {
    if (request.getRegistry().isEmpty()) {
      throw Errors.invalidArgument("no registry named to log in to");
    }
    String host = transfers.login(request.getRegistry(), credentials(request.getAuth()), request.getInsecure());
    responses.onNext(LoginResponse.newBuilder().setRegistry(host).build());
    responses.onCompleted();
  }

  @Override
  public void listTags(ListTagsRequest request, StreamObserver<ListTagsResponse> responses) {
    String repository = request.getRepository();
    if (repository.isEmpty()) {
      throw Errors.invalidArgument("no repository named to list the tags of");
    }
    Reference reference = Reference.parse(repository);
    if (repository.contains("@") || !ImageNames.repository(repository).equals(repository)) {
      throw Errors.invalidArgument("cannot list the tags of \"%s\": name a repository, without tag or digest",
          repository);
    }
    responses.onNext(ListTagsResponse.newBuilder().setRepository(reference.repositoryName())
        .addAllTags(transfers.tags(reference, credentials(request.getAuth()), request.getInsecure())).build());
    responses.onCompleted();
  }

  private static Transferred run(java.util.function.Supplier<Transferred> transfer) {
    try {
      return transfer.get();
    } catch (CancellationException e) {
      throw Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException();
    } catch (ClientException e) {
      // the client library's word for content that is not what an image needs (bad JSON, no config)
      throw Errors.failedPrecondition("%s", e.getMessage());
    }
  }

  private static String snapshotter(String name) {
    return name.isEmpty() ? DEFAULT_SNAPSHOTTER : name;
  }

  private static int concurrency(int asked) {
    if (asked < 0 || asked > 64) {
      throw Errors.invalidArgument("max_concurrent_downloads %d is not between 1 and 64", asked);
    }
    return asked == 0 ? RegistryTransfers.DEFAULT_CONCURRENCY : asked;
  }

  private static Credentials credentials(RegistryAuth auth) {
    return new Credentials(auth.getUsername(), auth.getPassword(), auth.getIdentityToken());
  }

  /** The response stream as a listener: blob events as {@link ProgressPacer} admits them, from any fetching thread. */
  private static final class Progress implements TransferListener {
    private final ServerCallStreamObserver<TransferProgress> responses;
    private final ProgressPacer pacer = new ProgressPacer();

    Progress(StreamObserver<TransferProgress> responses) {
      this.responses = (ServerCallStreamObserver<TransferProgress>) responses;
    }

    @Override
    public synchronized void blob(BlobEvent e) {
      if (responses.isCancelled() || !pacer.admit(e, System.nanoTime())) {
        return;
      }
      responses.onNext(TransferProgress.newBuilder().setBlob(BlobProgress.newBuilder()
          .setDigest(e.digest()).setMediaType(e.mediaType()).setOffset(e.offset()).setTotal(e.total())
          .setState(BlobState.valueOf(e.state().name())).setMountedFrom(e.mountedFrom())).build());
    }

    @Override
    public synchronized void contentMissing(String digest) {
      if (!responses.isCancelled()) {
        responses.onNext(TransferProgress.newBuilder()
            .setContentMissing(ContentMissing.newBuilder().setDigest(digest)).build());
      }
    }

    @Override
    public boolean cancelled() {
      return responses.isCancelled();
    }

    synchronized void finish(Transferred done) {
      responses.onNext(TransferProgress.newBuilder().setDone(TransferDone.newBuilder()
          .setImage(done.image().toProto()).setResolved(done.resolved()).setDigest(done.digest())
          .setSize(done.size()).setReplacedIndex(done.replacedIndex())).build());
      responses.onCompleted();
    }
  }
}
