package dev.berth.ctl.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.transfer.v1.BlobProgress;
import berth.transfer.v1.BlobState;
import dev.berth.client.images.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer lines of pull and push as Docker's CLI shows its daemon's progress, with and without a terminal. */
class PullProgressTest {
  private static final String LAYER = "sha256:eb2583dcb7ef89cc656ea2b7cbc1aa9010630a151d6c20a5370dbcb8ebe426bc";
  private static final long SIZE = 1_997_312;

  @Test
  void withoutATerminalAPullShowsEachStateButNotTheOnesDockerShowsWithABar() {
    String shown = show(false, false, List.of(event(BlobState.WAITING, 0), event(BlobState.TRANSFERRING, 0),
        event(BlobState.TRANSFERRING, SIZE / 2), event(BlobState.VERIFYING, SIZE), event(BlobState.DONE, SIZE),
        event(BlobState.EXTRACTING, SIZE), event(BlobState.EXTRACTED, SIZE)));
    // docker/cli's jsonmessage skips a message whose progress is not empty when out is no terminal
    assertEquals("eb2583dcb7ef: Pulling fs layer\neb2583dcb7ef: Verifying Checksum\neb2583dcb7ef: Download complete\n"
        + "eb2583dcb7ef: Pull complete\n", shown);
  }

  @Test
  void withoutATerminalAPushShowsNoPushingLine() {
    String shown = show(false, true, List.of(event(BlobState.WAITING, 0), event(BlobState.TRANSFERRING, 0),
        event(BlobState.TRANSFERRING, SIZE), event(BlobState.DONE, SIZE)));
    assertEquals("eb2583dcb7ef: Preparing\neb2583dcb7ef: Pushed\n", shown);
  }

  @Test
  void onATerminalTheBytesMoving() {
    String shown = show(true, true, List.of(event(BlobState.WAITING, 0), event(BlobState.TRANSFERRING, SIZE / 2)));
    assertTrue(shown.contains("eb2583dcb7ef: Pushing [") && shown.contains("/2MB"), shown);
  }

  private static String show(boolean terminal, boolean push, List<BlobProgress> events) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PullProgress progress = new PullProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, push);
    events.forEach(progress);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static BlobProgress event(BlobState state, long offset) {
    return BlobProgress.newBuilder().setDigest(LAYER).setMediaType(MediaTypes.DOCKER_LAYER).setOffset(offset)
        .setTotal(SIZE).setState(state).build();
  }
}
