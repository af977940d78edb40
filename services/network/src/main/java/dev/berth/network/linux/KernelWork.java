package dev.berth.network.linux;

import java.io.IOException;

/** Work run on a thread inside a network namespace. */
@FunctionalInterface
public interface KernelWork<T> {
  T run() throws IOException;
}
