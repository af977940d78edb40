package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.events.v1.EventHistoryGrpc;
import berth.events.v1.SubscribeSinceRequest;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import dev.berth.common.events.GrpcEventPublisher;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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

  @Test
  void eventsPublishedWhileMetadataIsDownArePublishedInOrderOnceItIsBack() throws Exception {
    try (TestNetns netns = TestNetns.create("berth-mdev")) {
      DaemonConfig config = new DaemonConfig(dir.resolve("root"), dir.resolve("run"), null, netns.path());
      Instant start = Instant.now();
      Berthd metadata = Berthd.start(config, List.of(ServiceGroups.METADATA));
      // the channel a group in a process of its own reaches the others with
      RoutingChannel channel = ServiceGroups.routeToSockets(config);
      // as a tasks group publishes its exits, keeping at most 3 while the events service is away
      GrpcEventPublisher publisher = new GrpcEventPublisher(channel, 3);
      try {
        metadata.close();
        metadata = null;
        for (int i = 1; i <= 4; i++) {
          publisher.publish("default", "/tasks/exit", StringValue.of("exit " + i));
          Thread.sleep(50);
        }
        Instant lastPublished = Instant.now();
        Thread.sleep(1000);

        metadata = Berthd.start(config, List.of(ServiceGroups.METADATA));
        List<Envelope> seen = new ArrayList<>();
        long end = System.nanoTime() + 15_000_000_000L;
        while (seen.size() < 3 && System.nanoTime() < end) {
          Thread.sleep(200);
          seen.clear();
          try {
            EventHistoryGrpc.newBlockingStub(channel).subscribe(SubscribeSinceRequest.newBuilder()
                    .setSince(timestamp(start)).setUntil(timestamp(Instant.now())).build())
                .forEachRemaining(e -> {
                  if (e.getTopic().equals("/tasks/exit")) {
                    seen.add(e);
                  }
                });
          } catch (StatusRuntimeException e) {
            // not answering yet
          }
        }
        // the oldest was dropped past the bound; the rest come in order, with the time they happened
        assertEquals(List.of("exit 2", "exit 3", "exit 4"), seen.stream().map(MetadataGroupDownTest::text).toList());
        for (Envelope e : seen) {
          Instant at = Instant.ofEpochSecond(e.getTimestamp().getSeconds(), e.getTimestamp().getNanos());
          assertTrue(!at.isAfter(lastPublished), "kept the time of publishing: " + at + " after " + lastPublished);
        }
      } finally {
        publisher.close();
        channel.shutdownNow();
        if (metadata != null) {
          metadata.close();
        }
      }
    }
  }

  private static String text(Envelope e) {
    try {
      // containerd's type URLs name the message alone, which Any.unpack does not take
      return StringValue.parseFrom(e.getEvent().getValue()).getValue();
    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
      throw new AssertionError(x);
    }
  }

  private static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
