package dev.berth.cri.streaming;

import io.grpc.StatusRuntimeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exec the runtime refused to start (a missing executable, say), in containerd's CRI's words
 * rather than berthd's Tasks API's: what a failed exec probe's event, {@code crictl exec} and
 * {@code kubectl exec} show, and what users search for. ctr still sees berthd's words.
 */
final class ExecRefusals {
  /** berthd's words; the exec id is group 1, the runtime's reason group 2. */
  private static final Pattern BERTHD_EXEC_REFUSAL =
      Pattern.compile("failed to start exec (\\S+) in task \\S+: \\S+ exec failed: (.*)", Pattern.DOTALL);

  private ExecRefusals() {}

  /**
   * {@code failed to exec in container: failed to start exec "ID": OCI runtime exec failed: WHY:
   * unknown} for berthd's refusal, in the same code; any other failure as it is.
   */
  static StatusRuntimeException inContainerdsWords(StatusRuntimeException e) {
    Matcher m = BERTHD_EXEC_REFUSAL.matcher(String.valueOf(e.getStatus().getDescription()));
    if (!m.matches()) {
      return e;
    }
    return e.getStatus().withDescription("failed to exec in container: failed to start exec \"" + m.group(1)
        + "\": OCI runtime exec failed: " + m.group(2) + ": unknown").asRuntimeException(e.getTrailers());
  }
}
