package dev.berth.client.build;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another build's berthctl, in a JVM of its own (a JVM refuses a lock one of its own threads holds
 * rather than waiting): holds a cache's fill lock, says {@code locked}, and lets go when its stdin
 * gives a line.
 */
final class FillLockHolder {
  private FillLockHolder() {
  }

  public static void main(String[] args) throws IOException {
    try (FileChannel lock = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var held = lock.lock()) {
      System.out.println("locked");
      System.out.flush();
      System.in.read();
    }
  }
}
