package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata group ({@code berthd --service metadata}, which hosts events) down while the
 * other groups run on in processes of their own, and started again.
 */
class MetadataGroupDownTest {
  @TempDir Path dir;

  @Test
  void gcLogsOneLineWhenMetadataIsGoneAndOneWhenItIsBack() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage() != null && r.getMessage().startsWith("gc")) {
          records.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    try (TestNetns netns = TestNetns.create("berth-mdgc")) {
      DaemonConfig config = new DaemonConfig(dir.resolve("root"), dir.resolve("run"), null, netns.path());
      List<String> others = ServiceGroups.NAMES.stream()
          .filter(g -> !g.equals(ServiceGroups.METADATA) && !g.equals(ServiceGroups.GC)).toList();
      Berthd metadata = Berthd.start(config, List.of(ServiceGroups.METADATA));
      try (Berthd rest = Berthd.start(config, others);
          Berthd gc = Berthd.start(config, List.of(ServiceGroups.GC))) {
        Logger.getLogger("").addHandler(capture);
        metadata.close();
        metadata = null;
        // gc's event stream is opened again and a collection tried about once a second meanwhile
        Thread.sleep(5000);
        List<LogRecord> whileDown = List.copyOf(records);
        assertEquals(1, whileDown.size(), whileDown.stream().map(LogRecord::getMessage).toList().toString());
        LogRecord gone = whileDown.get(0);
        assertEquals(Level.WARNING, gone.getLevel());
        assertNull(gone.getThrown(), "no stack trace");
        assertTrue(gone.getMessage().contains("metadata group") && gone.getMessage().contains("retrying quietly"),
            gone.getMessage());

        metadata = Berthd.start(config, List.of(ServiceGroups.METADATA));
        long end = System.nanoTime() + 15_000_000_000L;
        while (records.size() < 2 && System.nanoTime() < end) {
          Thread.sleep(100);
        }
        assertEquals(2, records.size(), records.stream().map(LogRecord::getMessage).toList().toString());
        assertEquals(Level.INFO, records.get(1).getLevel());
        assertTrue(records.get(1).getMessage().contains("answer again"), records.get(1).getMessage());
      } finally {
        Logger.getLogger("").removeHandler(capture);
        if (metadata != null) {
          metadata.close();
        }
      }
    }
  }
}
