package dev.berth.ctl.image;

import berth.transfer.v1.BlobProgress;
import berth.transfer.v1.BlobState;
import dev.berth.client.images.MediaTypes;
import dev.berth.ctl.output.Output;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Docker's per-layer progress for pull and push: one line per layer (the config and manifests
 * move unlisted, as in Docker), named by the first 12 hex digits of its digest. On a terminal each
 * layer keeps its line, rewritten in place as it moves; elsewhere a line is printed each time a
 * layer changes state, except the states Docker shows with a progress bar (Downloading, Pushing,
 * Extracting), which Docker's CLI leaves out when it does not write to a terminal (its
 * jsonmessage display). A heading, if given, comes before the first line, once the registry has
 * answered.
 */
final class PullProgress implements Consumer<BlobProgress> {
  private static final int SHORT = 12;
  private static final String UP = "\033[%dA";
  private static final String CLEAR_LINE = "\033[2K\r";

  private final PrintStream out;
  private final boolean terminal;
  private final boolean push;
  private final List<String> order = new ArrayList<>();
  private final Map<String, String> lines = new HashMap<>();
  private final Map<String, BlobState> states = new HashMap<>();
  private String heading;

  PullProgress(PrintStream out, boolean terminal, boolean push) {
    this(out, terminal, push, null);
  }

  /** {@code heading}: a line printed before the first layer's, or by {@link #headingOnce}; null for none. */
  PullProgress(PrintStream out, boolean terminal, boolean push, String heading) {
    this.out = out;
    this.terminal = terminal;
    this.push = push;
    this.heading = heading;
  }

  /** Prints the heading if no layer's line has yet. */
  synchronized void headingOnce() {
    if (heading != null) {
      out.println(heading);
      heading = null;
    }
  }

  @Override
  public synchronized void accept(BlobProgress p) {
    if (!MediaTypes.isLayer(p.getMediaType())) {
      return;
    }
    headingOnce();
    String id = shortId(p.getDigest());
    String line = id + ": " + describe(p);
    boolean changed = states.put(id, p.getState()) != p.getState();
    if (!terminal) {
      if (changed && !hasProgressBar(p.getState())) {
        out.println(line);
      }
      return;
    }
    if (!lines.containsKey(id)) {
      order.add(id);
      lines.put(id, line);
      out.println(line);
    } else {
      lines.put(id, line);
      int up = order.size() - order.indexOf(id);
      out.print(String.format(UP, up) + CLEAR_LINE + line + "\n" + (up > 1 ? String.format("\033[%dB", up - 1) : ""));
    }
    out.flush();
  }

  /** The states Docker's daemon sends with a byte count, which its CLI shows only on a terminal. */
  private static boolean hasProgressBar(BlobState state) {
    return state == BlobState.TRANSFERRING || state == BlobState.EXTRACTING;
  }

  private String describe(BlobProgress p) {
    return switch (p.getState()) {
      case WAITING -> push ? "Preparing" : "Pulling fs layer";
      case TRANSFERRING -> (push ? "Pushing " : "Downloading ") + bar(p.getOffset(), p.getTotal());
      case VERIFYING -> "Verifying Checksum";
      case DONE -> push ? "Pushed" : "Download complete";
      case ALREADY_PRESENT -> !push ? "Already exists"
          : p.getMountedFrom().isEmpty() ? "Layer already exists" : "Mounted from " + p.getMountedFrom();
      case EXTRACTING -> "Extracting";
      case EXTRACTED -> "Pull complete";
      default -> p.getState().name();
    };
  }

  private String bar(long done, long total) {
    if (!terminal || total <= 0) {
      return Output.size(done) + "/" + Output.size(total);
    }
    int width = 40;
    int filled = (int) Math.min(width, done * width / total);
    return "[" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(width - filled) + "]  "
        + Output.size(done) + "/" + Output.size(total);
  }

  static String shortId(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return hex.substring(0, Math.min(SHORT, hex.length()));
  }
}
