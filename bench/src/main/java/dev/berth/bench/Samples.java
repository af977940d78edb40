package dev.berth.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Timings of one operation, summarised as median and 99th percentile. */
final class Samples {
  private final String name;
  private final List<Long> nanos = new ArrayList<>();

  Samples(String name) {
    this.name = name;
  }

  <T> T time(ThrowingSupplier<T> work) throws Exception {
    long start = System.nanoTime();
    T result = work.get();
    nanos.add(System.nanoTime() - start);
    return result;
  }

  void add(long elapsedNanos) {
    nanos.add(elapsedNanos);
  }

  private double percentileMillis(double p) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
  }

  double median() {
    return percentileMillis(50);
  }

  void print() {
    System.out.printf("%-44s n=%-5d median %8.3f ms   p99 %8.3f ms%n", name, nanos.size(),
        percentileMillis(50), percentileMillis(99));
  }

  @FunctionalInterface
  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }
}
