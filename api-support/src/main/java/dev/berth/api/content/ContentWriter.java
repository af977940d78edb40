package dev.berth.api.content;

import com.google.protobuf.ByteString;
import java.util.Map;

/** Exclusive hold of one ingest; not for use by several threads at once. */
public interface ContentWriter extends AutoCloseable {
  /** Where the ingest stands. */
  IngestStatus status();

  /**
   * Waits until the accepted bytes are written and saves the ingest's metadata (declared total
   * and digest, updated time); returns its status. What a STAT does.
   */
  IngestStatus checkpoint();

  /** The sha256 digest of the bytes written so far. */
  String digest();

  /**
   * Takes the size ({@code total} &gt; 0) and digest ({@code expected} non-empty) the writer
   * announces; zero and empty leave the earlier values. An expected digest the namespace holds
   * already ends the writer with ALREADY_EXISTS: an ingest it started goes, one that was under the
   * ref before it (a killed writer's) stays as it was, as containerd leaves it.
   */
  void declare(long total, String expected);

  /**
   * Takes {@code data} at {@code offset}, which must be the current offset, or 0 to start over
   * (OUT_OF_RANGE otherwise), and refuses to pass the declared total. Returns the new offset.
   * The bytes may reach the disk a little later, in order; a failure to write them fails a later
   * call ({@link #checkpoint}, {@link #digest} and {@link #commit} wait for them).
   */
  long write(long offset, ByteString data);

  /**
   * Verifies the bytes against the declared total and digest (FAILED_PRECONDITION on mismatch,
   * the ingest stays) and publishes the blob in the namespace with {@code labels}. ALREADY_EXISTS
   * if the namespace holds it already; the ingest is gone then too.
   */
  ContentInfo commit(Map<String, String> labels);

  /** Lets go of the ref once the accepted bytes are written; an uncommitted ingest stays for a later writer. */
  @Override
  void close();
}
