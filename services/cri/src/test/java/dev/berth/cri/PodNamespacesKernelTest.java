package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods' pinned state under berthd's state directory, with real PID namespace holders (root, util-linux, perl). */
class PodNamespacesKernelTest {
  @TempDir Path pods;

  @Test
  void anUnreadableHolderRecordIsSkippedAndTheOthersAreStillWatched() throws Exception {
    Files.createDirectories(pods.resolve("garbled"));
    Files.writeString(pods.resolve("garbled").resolve("pid-holder"), "not a pid\n");
    Files.createDirectories(pods.resolve("running"));
    PidNamespaceHolder holder = new PidNamespaceHolder("running", pods.resolve("running").resolve("pid-holder"),
        new java.util.HashSet<>());
    holder.start();
    try {
      PodNamespaces namespaces = new PodNamespaces(pods);
      BlockingQueue<String> ended = new LinkedBlockingQueue<>();
      namespaces.whenHolderEnds(ended::add);

      // what berthd's CRI does as it starts: a garbled record must not keep it from starting
      namespaces.watchRunningHolders();

      ProcessHandle.of(holder.pid().orElseThrow()).orElseThrow().destroyForcibly();
      assertEquals("running", ended.poll(20, TimeUnit.SECONDS), "the running holder is watched");
    } finally {
      holder.kill();
    }
  }

  @Test
  void aPodWhoseHolderRecordIsUnreadableReadsAsItsHolderGoneAndIsUnpinned() throws Exception {
    PodNamespaces namespaces = new PodNamespaces(pods);
    namespaces.pidOnDemand("garbled");
    namespaces.pidOnDemand("fine");
    long garbledHolder = namespaces.holderPid("garbled").orElseThrow();
    try {
      Files.writeString(pods.resolve("garbled").resolve("pid-holder"), "not a pid\n");
      assertTrue(namespaces.pidHolderGone("garbled"), "NOTREADY, as a pod whose holder ended");
      assertEquals(java.util.Optional.empty(), namespaces.holderPid("garbled"));
      assertFalse(namespaces.pidHolderGone("fine"), "the other pod is not affected");
      namespaces.unpin("garbled");
      assertFalse(namespaces.keptOnThisBoot("garbled"), "its stop and removal forget it");
    } finally {
      ProcessHandle.of(garbledHolder).ifPresent(ProcessHandle::destroyForcibly);
      namespaces.unpin("garbled");
      namespaces.unpin("fine");
    }
  }

  @Test
  void anUnreadableHolderRecordIsLoggedOncePerPodNotAtEveryReading() throws Exception {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger(PidNamespaceHolder.class.getName());
    log.addHandler(capture);
    try {
      PodNamespaces namespaces = new PodNamespaces(pods);
      Path record = pods.resolve("garbled").resolve("pid-holder");
      Files.createDirectories(record.getParent());
      Files.writeString(record, "not a pid\n");
      // as ListPodSandbox and PodSandboxStatus read it, again and again
      assertTrue(namespaces.pidHolderGone("garbled"));
      assertTrue(namespaces.pidHolderGone("garbled"));
      assertEquals(java.util.Optional.empty(), namespaces.holderPid("garbled"));
      assertEquals(1, logged.size(), () -> logged.stream().map(LogRecord::getMessage).toList().toString());
      assertTrue(logged.get(0).getMessage().contains("garbled") && logged.get(0).getMessage().contains(
          record.toString()), logged.get(0).getMessage());
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void aPodsDirectoryUnderTheStateDirectoryTellsItWasMadeOnThisBoot() throws Exception {
    PodNamespaces namespaces = new PodNamespaces(pods);
    assertFalse(namespaces.keptOnThisBoot("p1"));
    namespaces.pidOnDemand("p1");
    try {
      assertTrue(namespaces.keptOnThisBoot("p1"));
    } finally {
      namespaces.unpin("p1");
    }
    assertFalse(namespaces.keptOnThisBoot("p1"), "unpinned");
  }
}
