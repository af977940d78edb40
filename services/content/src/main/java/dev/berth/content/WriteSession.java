package dev.berth.content;

import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.ContentMessages;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.content.IngestStatus;
import dev.berth.api.grpc.Errors;
import dev.berth.common.time.EpochNanos;
import io.grpc.stub.StreamObserver;
import java.util.logging.Logger;

/**
 * One Write stream, as containerd's remote writer drives it: the first message names the ref
 * (and takes hold of it), every message gets exactly one answer, and a COMMIT ends the stream.
 * The hold on the ref ends with the stream, however it ends.
 */
final class WriteSession implements StreamObserver<WriteContentRequest> {
  private static final Logger LOG = Logger.getLogger(WriteSession.class.getName());

  private final ContentStore store;
  private final String namespace;
  private final String lease;
  private final StreamObserver<WriteContentResponse> responses;
  private ContentWriter writer;
  private String ref;
  private boolean done;

  WriteSession(ContentStore store, String namespace, String lease, StreamObserver<WriteContentResponse> responses) {
    this.store = store;
    this.namespace = namespace;
    this.lease = lease;
    this.responses = responses;
  }

  @Override
  public void onNext(WriteContentRequest request) {
    if (done) {
      return;
    }
    try {
      WriteContentResponse response = answer(request);
      responses.onNext(response);
      if (request.getAction() == WriteAction.COMMIT) {
        finish();
        responses.onCompleted();
      }
    } catch (RuntimeException e) {
      finish();
      responses.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void onError(Throwable t) {
    LOG.fine(() -> "write of ref " + ref + " in namespace " + namespace + " ended: " + t.getMessage());
    finish();
  }

  @Override
  public void onCompleted() {
    if (!done) {
      finish();
      responses.onCompleted();
    }
  }

  private WriteContentResponse answer(WriteContentRequest request) {
    if (request.getAction() == WriteAction.UNRECOGNIZED) {
      throw Errors.invalidArgument("unknown write action %d", request.getActionValue());
    }
    ContentWriter w = writerFor(request.getRef());
    w.declare(request.getTotal(), request.getExpected());
    WriteContentResponse.Builder response = WriteContentResponse.newBuilder().setAction(request.getAction());
    switch (request.getAction()) {
      case STAT -> progress(response, w.checkpoint()).setDigest(w.digest());
      case WRITE -> {
        // No digest here: waiting for it would keep hashing from overlapping the next chunk.
        w.write(request.getOffset(), request.getData());
        progress(response, w.status());
      }
      case COMMIT -> {
        w.write(request.getOffset(), request.getData());
        progress(response, w.status());
        ContentInfo committed = w.commit(request.getLabelsMap());
        response.setOffset(committed.size()).setDigest(committed.digest());
      }
    }
    return response.build();
  }

  private ContentWriter writerFor(String requestRef) {
    if (writer == null) {
      if (requestRef.isEmpty()) {
        throw Errors.invalidArgument("the first message of a write must carry a ref");
      }
      writer = store.writer(namespace, requestRef, lease);
      ref = requestRef;
    } else if (!requestRef.isEmpty() && !requestRef.equals(ref)) {
      throw Errors.invalidArgument("this stream writes ref %s; a message named ref %s", ref, requestRef);
    }
    return writer;
  }

  private static WriteContentResponse.Builder progress(WriteContentResponse.Builder response, IngestStatus status) {
    return response
        .setOffset(status.offset())
        .setTotal(status.total())
        .setStartedAt(EpochNanos.toTimestamp(status.startedAt()))
        .setUpdatedAt(EpochNanos.toTimestamp(status.updatedAt()));
  }

  private void finish() {
    done = true;
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}
