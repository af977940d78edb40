package dev.berth.ctl.content;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.BerthException;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.output.AtomicOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** Reads a blob through Content.Read; the bytes are checked against the digest that named them. */
final class BlobReader {
  private final Blobs content;

  BlobReader(Blobs content) {
    this.content = content;
  }

  /** Streams the blob to {@code out}. */
  void copyTo(String digest, OutputStream out) throws IOException {
    try {
      content.copyTo(digest, out);
    } catch (BerthException e) {
      throw ErrorHandler.naming("content", digest, e);
    }
  }

  /** Writes the blob to {@code target}, which appears only once complete and checked. */
  void copyTo(String digest, Path target) throws IOException {
    AtomicOutput.write(target, out -> copyTo(digest, out));
  }
}
