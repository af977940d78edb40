package dev.berth.metadata.namespaces;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListContentResponse;
import dev.berth.common.grpc.Channels;
import dev.berth.common.grpc.Errors;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether a namespace still holds blobs, asked of the Content service through its API. A
 * namespace whose content cannot be checked is not deleted: the error says why.
 */
public final class GrpcContentUsage implements NamespaceUsage {
  private static final long DEADLINE_SECONDS = 30;
  private final Channel content;

  public GrpcContentUsage(Channel content) {
    this.content = content;
  }

  @Override
  public Optional<String> describeUse(String namespace) {
    // Only the first answer matters; cancelling the context ends the List stream early.
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      return call.call(() -> {
        Iterator<ListContentResponse> answers = ContentGrpc.newBlockingStub(Channels.inNamespace(content, namespace))
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .list(ListContentRequest.getDefaultInstance());
        while (answers.hasNext()) {
          if (answers.next().getInfoCount() > 0) {
            return Optional.of("content");
          }
        }
        return Optional.<String>empty();
      });
    } catch (StatusRuntimeException e) {
      throw Errors.unavailable("cannot check the content of namespace %s: %s", namespace, e.getStatus());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Errors.internal(e, "checking the content of namespace %s", namespace);
    } finally {
      call.cancel(null);
    }
  }
}
