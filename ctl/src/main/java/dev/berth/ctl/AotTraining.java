package dev.berth.ctl;

import berth.attach.v1.AttachInput;
import berth.attach.v1.AttachOutput;
import com.google.protobuf.Message;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import dev.berth.client.spec.SpecJson;
import dev.berth.ctl.output.Json;
import dev.berth.ctl.terminal.ProcessStreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The training run from which bin/berthctl builds JDK 25's ahead-of-time cache: representative
 * commands in one JVM, so the cache holds what each of them loads and links, not only what the
 * first command after a build happened to. Against the berthd of the caller's environment if one
 * answers, only commands that change nothing; without one they train the failure path.
 */
public final class AotTraining {
  private static final List<List<String>> COMMANDS = List.of(
      List.of("--help"), List.of("run", "--help"), List.of("exec", "--help"), List.of("ps", "--help"),
      List.of("network", "ls", "--help"), List.of("version"), List.of("ps"), List.of("ps", "-a", "--format", "json"),
      List.of("images"), List.of("inspect", "berthctl-aot-training-none"), List.of("nosuchcommand"));

  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    Io io = new Io(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), discard, System.getenv(),
        false);
    for (List<String> command : COMMANDS) {
      BerthCtl.run(io, command.toArray(String[]::new));
    }
    rehearseRunAndExec();
  }

  /**
   * What run and exec do on the client between their calls, which the commands above cannot
   * rehearse without making containers in the user's berthd: an image config read, a spec built
   * from it, written and read back as JSON (Jackson's data binding of the OCI classes), a
   * process's spec written, the task API's messages, whose descriptors are built on first use, and
   * the FIFOs of a process's stdio made and removed.
   */
  private static void rehearseRunAndExec() throws Exception {
    ImageConfig image = ImageConfig.parse(IMAGE_CONFIG.getBytes(StandardCharsets.UTF_8));
    Spec spec = SpecBuilder.create("aot-training", "aot-training").image(image).build();
    Spec read = SpecJson.fromAny(SpecJson.toAny(spec));
    Json.mapper().writeValueAsBytes(read.process());
    ContainerConfig config = ContainerConfig.empty();
    config.config().put("Image", "aot-training");
    config.tty();
    config.toAny();
    for (Message m : List.of(CreateTaskRequest.getDefaultInstance(), ExecProcessRequest.getDefaultInstance(),
        StartRequest.getDefaultInstance(), WaitRequest.getDefaultInstance(), DeleteProcessRequest.getDefaultInstance(),
        AttachInput.getDefaultInstance(), AttachOutput.getDefaultInstance())) {
      m.getParserForType().parseFrom(m.toByteArray());
    }
    try {
      ProcessStreams.create(true, false).close();
    } catch (IOException e) {
      // no FIFOs here (no mkfifo, no temporary directory): the cache goes without that part
    }
  }

  private static final String IMAGE_CONFIG = """
      {"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
       "Cmd": ["sh"], "WorkingDir": "/", "Labels": {"training": "yes"}},
       "rootfs": {"type": "layers", "diff_ids": ["sha256:0000000000000000000000000000000000000000000000000000000000000000"]}}
      """;
}
