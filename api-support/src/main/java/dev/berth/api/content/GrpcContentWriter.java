package dev.berth.api.content;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.StatusRequest;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.ProtoTimes;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A {@link ContentWriter} over one Write call: the call's first message takes hold of the ref,
 * WRITEs are pipelined, STAT and COMMIT wait for every answer before theirs. A failure the server
 * answers to a pipelined WRITE fails a later call, as a failed disk write does in the file store.
 */
final class GrpcContentWriter implements ContentWriter {
  private static final Logger LOG = Logger.getLogger(GrpcContentWriter.class.getName());

  private final WriteCall call;
  private final ContentGrpc.ContentBlockingStub blocking;
  private final String ref;
  /** Bytes sent, answered or not: this writer holds the ref, so no one else moves it. */
  private long offset;
  private long total;
  private String expected;
  private Instant startedAt;
  private Instant updatedAt;

  private GrpcContentWriter(WriteCall call, ContentGrpc.ContentBlockingStub blocking, String ref) {
    this.call = call;
    this.blocking = blocking;
    this.ref = ref;
  }

  /**
   * Takes hold of {@code ref} with a STAT, which answers where the ingest stands; the declared
   * digest, which a STAT answer does not carry, comes from the Status call.
   */
  static GrpcContentWriter open(ContentGrpc.ContentStub async, ContentGrpc.ContentBlockingStub blocking,
      String ref, long maxOutstandingBytes) {
    WriteCall call = new WriteCall(async, maxOutstandingBytes);
    GrpcContentWriter writer = new GrpcContentWriter(call, blocking, ref);
    try {
      writer.took(call.call(stat().setRef(ref).build()));
      writer.expected = ContentMessages.status(
          blocking.status(StatusRequest.newBuilder().setRef(ref).build()).getStatus()).expected();
    } catch (StatusRuntimeException e) {
      call.finish();
      throw Errors.fromStatus(e);
    } catch (RuntimeException e) {
      call.finish();
      throw e;
    }
    return writer;
  }

  @Override
  public IngestStatus status() {
    checkUsable();
    return new IngestStatus(ref, offset, total, expected, startedAt, updatedAt);
  }

  @Override
  public IngestStatus checkpoint() {
    took(call.call(stat().setRef(ref).build()));
    return status();
  }

  @Override
  public String digest() {
    return took(call.call(stat().setRef(ref).build())).getDigest();
  }

  @Override
  public void declare(long newTotal, String newExpected) {
    checkUsable();
    if (newTotal == 0 && (newExpected == null || newExpected.isEmpty())) {
      return;
    }
    // Sent at once, so a digest the namespace holds is refused here, as the file store refuses it.
    took(call.call(stat().setRef(ref).setTotal(newTotal).setExpected(newExpected == null ? "" : newExpected).build()));
    if (newExpected != null && !newExpected.isEmpty()) {
      expected = newExpected;
    }
  }

  @Override
  public long write(long at, ByteString data) {
    checkUsable();
    // Checked here as the store checks them, so the caller gets these errors from this call
    // rather than from a later one once the server's answer arrives.
    if (at != 0 && at != offset) {
      throw Errors.outOfRange("write at offset %d: ingest %s is at offset %d", at, ref, offset);
    }
    if (total > 0 && at + data.size() > total) {
      throw Errors.outOfRange("writing %d bytes at offset %d passes the declared total of %d bytes for ingest %s",
          data.size(), at, total, ref);
    }
    if (at == 0 && offset == 0 && data.isEmpty()) {
      return offset;
    }
    call.send(WriteContentRequest.newBuilder()
        .setAction(WriteAction.WRITE).setRef(ref).setOffset(at).setData(data).build());
    offset = at + data.size();
    return offset;
  }

  @Override
  public ContentInfo commit(Map<String, String> labels) {
    checkUsable();
    WriteContentResponse committed = call.call(WriteContentRequest.newBuilder()
        .setAction(WriteAction.COMMIT)
        .setRef(ref)
        .setOffset(offset)
        .setTotal(total)
        .setExpected(expected == null ? "" : expected)
        .putAllLabels(labels)
        .build());
    // The answer names the blob; its record (times, labels) is the store's.
    try {
      return ContentMessages.info(blocking.info(InfoRequest.newBuilder().setDigest(committed.getDigest()).build())
          .getInfo());
    } catch (StatusRuntimeException e) {
      throw Errors.fromStatus(e);
    }
  }

  /** Lets go of the ref once every request is answered; an uncommitted ingest stays for a later writer. */
  @Override
  public void close() {
    if (call.ended()) {
      return;
    }
    try {
      call.awaitAnswers();
    } catch (RuntimeException e) {
      // The caller stopped using the writer; the failure is its ingest's, which stays to be seen.
      LOG.fine(() -> "write of ref " + ref + " ended: " + e.getMessage());
    }
    call.finish();
  }

  private static WriteContentRequest.Builder stat() {
    return WriteContentRequest.newBuilder().setAction(WriteAction.STAT);
  }

  private WriteContentResponse took(WriteContentResponse answer) {
    offset = answer.getOffset();
    total = answer.getTotal();
    startedAt = ProtoTimes.toInstant(answer.getStartedAt());
    updatedAt = ProtoTimes.toInstant(answer.getUpdatedAt());
    return answer;
  }

  private void checkUsable() {
    call.checkOpen();
  }
}
