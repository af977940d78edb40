package dev.berth.client.content;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import containerd.services.content.v1.UpdateRequest;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.client.ClientException;
import dev.berth.api.Digests;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Blobs through the Content API: written in pipelined 1 MiB chunks, read back with their digest
 * checked, labelled. Calls go to the namespace (and lease) the channel carries.
 */
public final class ContentClient {
  public static final int CHUNK_BYTES = 1 << 20;
  /** Requests awaiting their answers at once; 8 MiB in flight keeps a Unix socket busy. */
  private static final int WINDOW = 8;

  private final ContentGrpc.ContentStub async;
  private final ContentGrpc.ContentBlockingStub blocking;

  public ContentClient(Channel channel) {
    this.async = ContentGrpc.newStub(channel);
    this.blocking = ContentGrpc.newBlockingStub(channel);
  }

  /** A blob in the store: its digest and size, and whether it was there before this write. */
  public record Written(String digest, long size, boolean existed) {}

  /**
   * Writes {@code data} in one request under ingest name {@code ref}; a blob already present
   * counts as written.
   */
  public Written write(String ref, byte[] data, Map<String, String> labels) {
    String digest = Digests.sha256(data);
    try (WriteStream stream = new WriteStream(async, 1, r -> {})) {
      stream.call(WriteContentRequest.newBuilder()
          .setAction(WriteAction.COMMIT)
          .setRef(ref)
          .setTotal(data.length)
          .setExpected(digest)
          .setData(ByteString.copyFrom(data))
          .putAllLabels(labels)
          .build());
      return new Written(digest, data.length, false);
    } catch (StatusRuntimeException e) {
      if (alreadyExists(e)) {
        return new Written(digest, data.length, true);
      }
      abortQuietly(ref);
      throw e;
    }
  }

  /**
   * Streams {@code in} to the store under ingest name {@code ref}, hashing on the way.
   *
   * @param size the bytes {@code in} holds, or -1 if unknown
   * @param expectedDigest the blob's digest if known, else null: a known digest lets a blob the
   *     store already holds be skipped after the first chunk, and the store refuses other bytes
   * @param written told the running count of bytes sent
   */
  public Written write(String ref, InputStream in, long size, String expectedDigest,
      Map<String, String> labels, LongConsumer written) throws IOException {
    MessageDigest sha256 = Digests.newSha256();
    long offset = 0;
    String computed = null;
    try (WriteStream stream = new WriteStream(async, WINDOW, r -> {})) {
      byte[] chunk = new byte[CHUNK_BYTES];
      int n;
      while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
        sha256.update(chunk, 0, n);
        WriteContentRequest.Builder request = WriteContentRequest.newBuilder()
            .setAction(WriteAction.WRITE)
            .setRef(ref)
            .setOffset(offset)
            .setData(ByteString.copyFrom(chunk, 0, n));
        if (offset == 0) {
          // offset 0 also truncates whatever an earlier attempt left under this ref
          request.setTotal(Math.max(size, 0)).setExpected(expectedDigest == null ? "" : expectedDigest);
        }
        if (offset == 0 && expectedDigest != null) {
          stream.call(request.build()); // answers ALREADY_EXISTS before the rest is sent
        } else {
          stream.send(request.build());
        }
        offset += n;
        written.accept(offset);
      }
      if (size >= 0 && offset != size) {
        throw new ClientException("blob " + ref + " ended after " + offset + " of " + size + " bytes");
      }
      computed = Digests.format(sha256);
      WriteContentResponse commit = stream.call(WriteContentRequest.newBuilder()
          .setAction(WriteAction.COMMIT)
          .setRef(ref)
          .setOffset(offset)
          .setTotal(offset)
          .setExpected(expectedDigest == null ? computed : expectedDigest)
          .putAllLabels(labels)
          .build());
      return new Written(commit.getDigest().isEmpty() ? computed : commit.getDigest(), offset, false);
    } catch (StatusRuntimeException e) {
      String known = expectedDigest != null ? expectedDigest : computed;
      if (alreadyExists(e) && known != null) {
        long existing = size >= 0 ? size : blocking.info(InfoRequest.newBuilder().setDigest(known).build())
            .getInfo().getSize();
        return new Written(known, existing, true);
      }
      abortQuietly(ref);
      throw e;
    } catch (IOException | RuntimeException e) {
      abortQuietly(ref);
      throw e;
    }
  }

  /** The whole blob, refused if larger than {@code maxBytes}; its bytes are checked against the digest. */
  public byte[] read(String digest, long maxBytes) {
    long size = blocking.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getSize();
    if (size > maxBytes) {
      throw new ClientException("blob " + digest + " holds " + size + " bytes, more than the "
          + maxBytes + " expected of it");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
    try {
      copyTo(digest, out);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return out.toByteArray();
  }

  /** Streams the blob to {@code out} and returns its size; fails if the bytes do not match the digest. */
  public long copyTo(String digest, OutputStream out) throws IOException {
    MessageDigest sha256 = Digests.newSha256();
    long copied = 0;
    // Cancelled on the way out, so a failed write does not leave the call streaming.
    Context.CancellableContext call = Context.current().withCancellation();
    Context previous = call.attach();
    try {
      Iterator<ReadContentResponse> chunks =
          blocking.read(ReadContentRequest.newBuilder().setDigest(digest).build());
      while (chunks.hasNext()) {
        ByteString data = chunks.next().getData();
        data.writeTo(out);
        sha256.update(data.asReadOnlyByteBuffer());
        copied += data.size();
      }
    } finally {
      call.detach(previous);
      call.cancel(null);
    }
    String read = Digests.format(sha256);
    if (!read.equals(digest)) {
      throw new ClientException("blob " + digest + " was read back as " + read);
    }
    return copied;
  }

  /** The blob's record, or empty if the store does not hold it. */
  public Optional<Info> info(String digest) {
    try {
      return Optional.of(blocking.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Sets these labels of the blob, leaving its others as they are. */
  public void label(String digest, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    FieldMask.Builder mask = FieldMask.newBuilder();
    labels.keySet().forEach(k -> mask.addPaths("labels." + k));
    blocking.update(UpdateRequest.newBuilder()
        .setInfo(Info.newBuilder().setDigest(digest).putAllLabels(labels))
        .setUpdateMask(mask)
        .build());
  }

  /** Drops what a failed write left under {@code ref}; nothing to drop, or a ref still held, is fine. */
  private void abortQuietly(String ref) {
    try {
      blocking.abort(AbortRequest.newBuilder().setRef(ref).build());
    } catch (StatusRuntimeException ignored) {
      // the failure being reported matters more than the leftover ingest
    }
  }

  private static boolean alreadyExists(StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.ALREADY_EXISTS;
  }
}
