package dev.berth.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.linux.Syscalls;
import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NetnsSocketsTest {
  private static final Duration NO_HANG = Duration.ofSeconds(10);
  private static final Path OWN_NETNS = Path.of("/proc/self/ns/net");

  @Test
  void aThreadThatCouldNotReturnHomeIsReplacedAtTheNextSocket() throws Exception {
    Set<Integer> before = netnsDescriptors();
    try (NetnsSockets sockets = NetnsSockets.start("netns-sockets-test-replaced")) {
      Set<Integer> opened = netnsDescriptors();
      opened.removeAll(before);
      assertEquals(1, opened.size(), "the thread's way home: " + opened);
      int home = opened.iterator().next();
      // the way home replaced by something that is no namespace, as a stuck thread would find it
      ExecutionException stuck = assertTimeoutPreemptively(NO_HANG, () -> assertThrows(ExecutionException.class,
          () -> sockets.open(OWN_NETNS, () -> {
            Syscalls.close(home);
            takeDescriptor(home);
            return DatagramChannel.open();
          }).get()));
      assertInstanceOf(RejectedExecutionException.class, stuck.getCause());

      // without a successor every later socket would be refused until berthd restarts
      try (DatagramChannel next = assertTimeoutPreemptively(NO_HANG, () -> sockets.open(OWN_NETNS,
          DatagramChannel::open).get())) {
        assertTrue(next.isOpen());
      }
    }
    assertEquals(before, netnsDescriptors(), "no way home left open");
  }

  @Test
  void aThreadThatCannotStartRefusesAtOnceAndIsTriedAgainOnlyAfterAPause() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    AtomicLong now = new AtomicLong();
    NetnsSockets.Starter failingOnce = name -> {
      if (starts.incrementAndGet() == 1) {
        throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource "
            + "limits reached");
      }
      return NetnsThread.start(name, null);
    };
    try (NetnsSockets sockets = NetnsSockets.startingAtFirstRequest("netns-sockets-test-start", failingOnce,
        now::get)) {
      for (int i = 0; i < 3; i++) {
        ExecutionException refused = assertThrows(ExecutionException.class,
            () -> sockets.open(OWN_NETNS, DatagramChannel::open).get());
        assertInstanceOf(RejectedExecutionException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("unable to create native thread"),
            refused.getCause().getMessage());
      }
      assertEquals(1, starts.get(), "one start, then none until the pause is over");
      now.addAndGet(NetnsSockets.RETRY_AFTER_NANOS);
      try (DatagramChannel next = assertTimeoutPreemptively(NO_HANG, () -> sockets.open(OWN_NETNS,
          DatagramChannel::open).get())) {
        assertTrue(next.isOpen());
      }
      assertEquals(2, starts.get());
    }
  }

  @Test
  void aClosedOneRefusesSockets() throws Exception {
    NetnsSockets sockets = NetnsSockets.start("netns-sockets-test-closed");
    sockets.close();
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> sockets.open(OWN_NETNS, DatagramChannel::open).get());
    assertInstanceOf(RejectedExecutionException.class, refused.getCause());
  }

  /** Opens /dev/null until it gets descriptor {@code fd}, freed just before; the others are closed again. */
  private static void takeDescriptor(int fd) throws IOException {
    List<Integer> lower = new ArrayList<>();
    try {
      for (int got; (got = Syscalls.open(Path.of("/dev/null"))) != fd; ) {
        lower.add(got);
        if (got > fd) {
          throw new IOException("descriptor " + fd + " was taken meanwhile");
        }
      }
    } finally {
      lower.forEach(Syscalls::close);
    }
  }

  /** This process's descriptors that are network namespaces. */
  private static Set<Integer> netnsDescriptors() throws IOException {
    Set<Integer> found = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("net:[")) {
            found.add(Integer.parseInt(fd.getFileName().toString()));
          }
        } catch (IOException e) {
          // the directory's own descriptor, closed since
        }
      }
    }
    return found;
  }
}
