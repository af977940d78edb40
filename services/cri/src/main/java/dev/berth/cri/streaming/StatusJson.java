package dev.berth.cri.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The error stream's message in channel protocol v4 and later: a Kubernetes metav1.Status as
 * kubectl decodes it. A non-zero exit is reason NonZeroExitCode with the code as the message of
 * a cause of type ExitCode (the JSON field of a cause's type is "reason"); anything else that
 * went wrong is an InternalError (HTTP 500), as the kubelet writes them.
 */
final class StatusJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusJson() {}

  static byte[] of(RemoteProcess.Outcome outcome, String cmd) {
    ObjectNode status = JSON.createObjectNode();
    status.putObject("metadata");
    if (outcome.error() == null && outcome.exitCode() == 0) {
      status.put("status", "Success");
      return bytes(status);
    }
    status.put("status", "Failure");
    if (outcome.error() == null) {
      status.put("message", "command terminated with non-zero exit code: error executing command " + cmd
          + ", exit code " + outcome.exitCode());
      status.put("reason", "NonZeroExitCode");
      status.putObject("details").putArray("causes").addObject().put("reason", "ExitCode")
          .put("message", Integer.toString(outcome.exitCode()));
    } else {
      String message = "error executing command in container: " + outcome.error();
      status.put("message", "Internal error occurred: " + message);
      status.put("reason", "InternalError");
      status.putObject("details").putArray("causes").addObject().put("message", message);
      status.put("code", 500);
    }
    return bytes(status);
  }

  private static byte[] bytes(ObjectNode status) {
    try {
      return JSON.writeValueAsBytes(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
