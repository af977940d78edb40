package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real processes as the first of a PID namespace of their own (util-linux unshare), with and without a handler. */
class DiscardedSignalsTest {
  private static final int SIGTERM = 15;

  @Test
  void aNamespaceInitWithoutAHandlerWouldDropTheSignalAndOneWithAHandlerWouldNot() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs util-linux unshare");
    Process bare = inNewPidNamespace("sleep 60");
    Process trapping = inNewPidNamespace("trap 'exit 0' TERM; touch /dev/null; sleep 60 & wait");
    try {
      int barePid = namespaceInit(bare);
      int trappingPid = namespaceInit(trapping);
      // the shell sets its trap just after it starts: wait until /proc shows the handler
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (DiscardedSignals.wouldDrop(trappingPid, SIGTERM) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      assertTrue(DiscardedSignals.wouldDrop(barePid, SIGTERM));
      assertFalse(DiscardedSignals.wouldDrop(trappingPid, SIGTERM));
      assertFalse(DiscardedSignals.wouldDrop(barePid, 9 + 64), "no such signal");
      assertFalse(DiscardedSignals.wouldDrop((int) ProcessHandle.current().pid(), SIGTERM), "not a namespace's init");
      assertFalse(DiscardedSignals.wouldDrop(Integer.MAX_VALUE, SIGTERM), "no such process");
    } finally {
      bare.descendants().forEach(ProcessHandle::destroyForcibly);
      trapping.descendants().forEach(ProcessHandle::destroyForcibly);
      bare.destroyForcibly().waitFor();
      trapping.destroyForcibly().waitFor();
    }
  }

  private static Process inNewPidNamespace(String script) throws Exception {
    return new ProcessBuilder("/usr/bin/unshare", "--pid", "--fork", "--kill-child", "sh", "-c", script)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The forked child of unshare: pid 1 of the new namespace. */
  private static int namespaceInit(Process unshare) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      var child = unshare.children().findFirst();
      if (child.isPresent()) {
        return (int) child.get().pid();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("unshare started no child");
  }
}
