package dev.berth.common.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on stderr: time, level, logger (the service or component) and message. */
public final class Logging {
  /** Held so its level outlives garbage collection of unreferenced loggers. */
  private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.netty.bootstrap");
  /** The JDK's HTTP client traces every buffer at FINE: 10 MB of log for one 200 MB pull, twice its time. */
  private static final Logger JDK_HTTP_CLIENT = Logger.getLogger("jdk.internal.httpclient");

  private Logging() {}

  public static void configure(boolean debug) {
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setFormatter(new LineFormatter());
    Level level = debug ? Level.FINE : Level.INFO;
    handler.setLevel(level);
    root.addHandler(handler);
    root.setLevel(level);
    // grpc and netty are chatty at FINE; their warnings still show
    Logger.getLogger("io.grpc").setLevel(Level.INFO);
    Logger.getLogger("io.netty").setLevel(Level.INFO);
    // gRPC asks every accepted connection for TCP keep-alive, which a Unix socket has not:
    // Netty warns about it once per connection, for nothing
    NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
    JDK_HTTP_CLIENT.setLevel(Level.INFO);
  }

  static final class LineFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      String name = r.getLoggerName() == null ? "" : r.getLoggerName();
      StringBuilder b = new StringBuilder(160)
          .append(Instant.ofEpochMilli(r.getMillis()))
          .append(' ').append(String.format("%-7s", r.getLevel().getName()))
          .append(" [").append(name.substring(name.lastIndexOf('.') + 1)).append("] ")
          .append(formatMessage(r)).append('\n');
      if (r.getThrown() != null) {
        StringWriter w = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(w));
        b.append(w);
      }
      return b.toString();
    }
  }
}
