package dev.berth.ctl;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import dev.berth.common.Digests;
import dev.berth.common.fs.AtomicFiles;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Iterator;

/** Reads a blob through Content.Read and checks the bytes against the digest that named them. */
final class BlobReader {
  private final ContentGrpc.ContentBlockingStub stub;

  BlobReader(ContentGrpc.ContentBlockingStub stub) {
    this.stub = stub;
  }

  /** Streams the blob to {@code out}. */
  void copyTo(String digest, OutputStream out) throws IOException {
    MessageDigest sha256 = Digests.newSha256();
    // Cancelled on the way out, so a failed write does not leave the call streaming.
    Context.CancellableContext call = Context.current().withCancellation();
    Context previous = call.attach();
    try {
      Iterator<ReadContentResponse> chunks =
          stub.read(ReadContentRequest.newBuilder().setDigest(digest).build());
      while (chunks.hasNext()) {
        ByteString data = chunks.next().getData();
        data.writeTo(out);
        sha256.update(data.asReadOnlyByteBuffer());
      }
    } catch (StatusRuntimeException e) {
      throw ErrorHandler.naming("content", digest, e);
    } finally {
      call.detach(previous);
      call.cancel(null);
    }
    String read = Digests.format(sha256);
    if (digest.startsWith(Digests.SHA256_PREFIX) && !read.equals(digest)) {
      throw new CommandFailure("content " + digest + " was read back as " + read);
    }
  }

  /** Writes the blob to {@code target}, which appears only once complete and checked. */
  void copyTo(String digest, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    try {
      try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        copyTo(digest, Channels.newOutputStream(file));
        file.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      AtomicFiles.fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
