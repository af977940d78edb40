package dev.berth.ctl.container;

import dev.berth.client.spec.SpecBuilder;
import dev.berth.client.spec.SpecJson;
import java.util.List;

/**
 * Warms Jackson's binding of the OCI spec on a thread of its own while the command's first calls
 * wait for berthd: run and create write a spec as JSON soon after, and the mapper's first
 * use (its construction and the spec classes' introspection, ~80-120 ms cold) then overlaps the
 * round trips instead of following them. The second core is otherwise idle meanwhile.
 */
final class SpecWarmUp {
  private SpecWarmUp() {}

  static void start() {
    Thread thread = new Thread(() -> {
      try {
        SpecJson.fromBytes(SpecJson.toBytes(SpecBuilder.create("warm-up", "warm-up").args(List.of("true")).build()));
      } catch (RuntimeException e) {
        // a warm-up only: the command's own use reports what is wrong
      }
    }, "berthctl-spec-warm-up");
    thread.setDaemon(true);
    thread.start();
  }
}
