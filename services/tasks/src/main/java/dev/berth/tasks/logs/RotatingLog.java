package dev.berth.tasks.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One log {@link LogRotator} rotates until its task ends. Its checks run one at a time (on the
 * rotator's one thread, or a test's), so the log is never rotated twice at once; its compressions
 * run elsewhere ({@link Compressions}), and its files stay where they are until one is done.
 */
final class RotatingLog {
  private static final Logger LOG = Logger.getLogger(RotatingLog.class.getName());

  private final Path log;
  private final long maxBytes;
  private final int maxFiles;
  private final boolean compress;
  private final Runnable reopen;
  private final CompletableFuture<?> until;
  private final Function<Path, CompletableFuture<Void>> compressOlder;
  private final BiConsumer<CompletableFuture<?>, Runnable> whenDone;
  /** The compression under way, or the last one. */
  private CompletableFuture<Void> compressing = CompletableFuture.completedFuture(null);
  /**
   * A new log asked of the monitor that it has not opened yet. Asking again before it has would
   * have it open a second one over the first, losing what it wrote there. Forgotten by a
   * restart of berthd, so a new berthd asks once itself. An order the monitor took it carries
   * out unless it dies, and its task ends with it: nothing to ask again then.
   */
  private boolean reopenAsked;
  /**
   * Whether older files may wait plain for their compression: after a rotation, and at first,
   * where a berthd that died may have left one plain or a compression cut short.
   */
  private boolean compressionDue;

  /**
   * {@code compressOlder} gzips a log's older files, done when they are; {@code whenDone} runs a
   * check once such a compression is done (with the checks, one at a time), for a rotation it held up.
   */
  RotatingLog(Path log, long maxBytes, int maxFiles, boolean compress, Runnable reopen, CompletableFuture<?> until,
      Function<Path, CompletableFuture<Void>> compressOlder, BiConsumer<CompletableFuture<?>, Runnable> whenDone) {
    this.log = log;
    this.compressOlder = compressOlder;
    this.whenDone = whenDone;
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    this.compress = compress;
    this.compressionDue = compress;
    this.reopen = reopen;
    this.until = until;
  }

  /**
   * Rotates the log if it has reached its size. With no log at all, the monitor still writes
   * into {@code <log>.1}, without limit, until it is asked to open a new one: a berthd died
   * between its rename and asking, or the asking failed, so it is asked again.
   */
  void check() {
    if (until.isDone()) {
      // no monitor to open a new file, nor to write into <log>.1 any more
      compressOlder();
      return;
    }
    if (!Files.exists(log)) {
      if (!reopenAsked) {
        askReopen();
      }
      return;
    }
    reopenAsked = false;
    // the monitor writes into its new log: <log>.1 is whole
    compressOlder();
    if (!compressing.isDone()) {
      // as Docker's logger, the files move on once the compression has done with them: the log
      // passes its size meanwhile (the check when it is done rotates it)
      return;
    }
    try {
      if (Files.size(log) < maxBytes) {
        return;
      }
      RotatedLogs.shift(log, maxFiles);
      compressionDue = compress;
    } catch (NoSuchFileException e) {
      // gone since it was seen: the next check asks for a new one
      return;
    } catch (IOException e) {
      LOG.warning("cannot rotate the log " + log + ": " + e.getMessage());
      return;
    }
    askReopen();
  }

  /**
   * Compresses the older files, as Docker's logger does once it writes into a new file. When
   * that fails (a full disk) they stay plain, read as they are, until the next rotation tries
   * again: trying at each write would only repeat the warning.
   */
  private void compressOlder() {
    if (!compressionDue || !compressing.isDone()) {
      return;
    }
    compressionDue = false;
    compressing = compressOlder.apply(log);
    whenDone.accept(compressing, this::check);
  }

  private void askReopen() {
    try {
      reopen.run();
      reopenAsked = true;
    } catch (RuntimeException e) {
      LOG.warning("the monitor of the log " + log + " did not open a new one, it writes on into "
          + RotatedLogs.rotated(log, 1) + " and is asked again at its next write: " + e.getMessage());
    }
  }
}
