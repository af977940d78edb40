package dev.berth.network;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;

/** Steps that take back what a failed operation did so far, run newest first. */
final class Undo {
  private static final Logger LOG = Logger.getLogger(Undo.class.getName());

  @FunctionalInterface
  interface Step {
    void run() throws IOException;
  }

  private record Named(String what, Step step) {}

  private final Deque<Named> steps = new ArrayDeque<>();

  void add(String what, Step step) {
    steps.push(new Named(what, step));
  }

  /** Runs every step; a step that fails is logged and the others still run. */
  void run() {
    while (!steps.isEmpty()) {
      Named n = steps.pop();
      try {
        n.step().run();
      } catch (IOException | RuntimeException e) {
        LOG.warning("could not undo (" + n.what() + "): " + e.getMessage());
      }
    }
  }
}
