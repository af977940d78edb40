package dev.berth.ctl.content;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for transfers big enough to wait for: shown when forced, or when stderr
 * is a terminal and the transfer passes {@link #THRESHOLD} bytes (known in advance or not).
 */
public final class TransferProgress implements AutoCloseable {
  static final long THRESHOLD = 8L << 20;
  /** Line width when stderr is no terminal whose width could be asked. */
  private static final int PLAIN_WIDTH = 80;

  private final String task;
  private final PrintStream err;
  private final boolean terminal;
  private final boolean forced;
  private final long total;
  private ProgressBar bar;

  /** {@code total} is the size expected, or -1 if unknown. */
  public TransferProgress(String task, PrintStream err, boolean terminal, boolean forced, long total) {
    this.task = task;
    this.err = err;
    this.terminal = terminal;
    this.forced = forced;
    this.total = total;
  }

  /** {@code position} bytes are done. */
  public void reached(long position) {
    if (bar == null) {
      if (!(forced || terminal && (total > THRESHOLD || position > THRESHOLD))) {
        return;
      }
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(total)
          .setUnit("MiB", 1L << 20)
          .showSpeed()
          .setUpdateIntervalMillis(250)
          .startsFrom(position, Duration.ZERO)
          // colours and block characters only where a terminal shows them
          .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
          .setConsumer(terminal ? new ConsoleProgressBarConsumer(err)
              : new ConsoleProgressBarConsumer(err, PLAIN_WIDTH))
          .build();
    }
    bar.stepTo(position);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
