package dev.berth.restart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import dev.berth.client.containers.ExecProcess;
import dev.berth.client.health.HealthState;
import dev.berth.client.health.Healthcheck;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a container's health check: its command as a process of the container (the
 * settings of its spec's process), output of stdout and stderr together, cut at docker's 4 KiB (then "...");
 * past the timeout the process is killed and the probe fails with exit code -1.
 */
final class HealthProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a killed probe may take to be reaped. */
  private static final long KILL_WAIT_SECONDS = 10;

  private HealthProbe() {}

  /**
   * Runs {@code check} in {@code container} (reached through {@code api}, bound to its namespace);
   * empty when the container cannot run a process now (not running, or paused): no verdict.
   */
  static Optional<HealthState.Probe> run(Channel api, Container container, Healthcheck check)
      throws InterruptedException {
    Instant start = Instant.now();
    Capped output = new Capped();
    ExecProcess p;
    try {
      p = ExecProcess.start(api, container.getId(), process(container), "health", check.command(), false, false,
          output, output);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND || e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      return Optional.of(new HealthState.Probe(start, Instant.now(), -1, e.getStatus().getDescription()));
    } catch (IOException | RuntimeException e) {
      return Optional.of(new HealthState.Probe(start, Instant.now(), -1, String.valueOf(e.getMessage())));
    }
    try {
      Duration timeout = check.effectiveTimeout();
      int code = p.exit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return Optional.of(new HealthState.Probe(start, Instant.now(), code, output.text()));
    } catch (TimeoutException e) {
      p.kill();
      try {
        p.exit().get(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException ignored) {
        // killed or not, the probe failed on its timeout
      }
      return Optional.of(new HealthState.Probe(start, Instant.now(), -1, check.timeoutOutput()));
    } catch (ExecutionException e) {
      return Optional.of(new HealthState.Probe(start, Instant.now(), -1, String.valueOf(e.getCause().getMessage())));
    } finally {
      p.close();
    }
  }

  /** The container's process settings, which the probe runs with, as an exec does. */
  private static ObjectNode process(Container container) throws IOException {
    JsonNode process = JSON.readTree(container.getSpec().getValue().toByteArray()).path("process");
    if (!(process instanceof ObjectNode p)) {
      throw new IOException("the spec of container " + container.getId() + " has no process");
    }
    return p;
  }

  /**
   * Output kept up to docker's limit, with docker's "..." after it when more came; more is read and
   * dropped so the probe never blocks.
   */
  static final class Capped extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean cut;

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = Math.max(0, Math.min(len, HealthState.OUTPUT_BYTES - kept.size()));
      kept.write(b, off, room);
      cut |= room < len;
    }

    synchronized String text() {
      return kept.toString(StandardCharsets.UTF_8) + (cut ? "..." : "");
    }
  }
}
