package dev.berth.ctl;

import berth.attach.v1.AttachGrpc;
import berth.attach.v1.AttachInput;
import berth.attach.v1.AttachOutput;
import berth.network.v1.AttachmentsGrpc;
import berth.transfer.v1.TransferGrpc;
import berth.volumes.v1.VolumesGrpc;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.images.ChainIds;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import dev.berth.client.spec.SpecJson;
import dev.berth.ctl.terminal.ProcessStreams;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training run from which bin/berthctl builds JDK 25's ahead-of-time cache: representative
 * commands in one JVM, so the cache holds what each of them loads and links, not only what the
 * first command after a build happened to. Against the berthd of the caller's environment if one
 * answers, only commands that change nothing (those naming a container or image name one that no
 * one has); without one they train the failure path. {@code AotTraining light} trains the small
 * cache of the commands that list, pull, stop and remove; without an argument, the full one.
 * {@code AotTraining command ARGS...} trains the cache of one command that changes nothing
 * ({@code version}, {@code ps}, the root's help) by running the command line it was given again:
 * the cache then holds what that command loads with the user's berthd as it is, and nothing else.
 */
public final class AotTraining {
  private static final String NONE = "berthctl-aot-training-none";
  /** A registry nobody listens at: berthd's pull fails at once, having stored nothing. */
  private static final String UNREACHABLE = "127.0.0.1:1/berthctl-aot-training:none";

  /** The commands bin/berthctl runs with the small cache: they list, pull, stop or remove, and print. */
  private static final List<List<String>> LIGHT = List.of(
      List.of("--help"), List.of("ps", "--help"), List.of("network", "ls", "--help"), List.of("version"), List.of("ps"),
      List.of("network", "ls"), List.of("volume", "ls"), List.of("stop", NONE), List.of("rm", NONE),
      List.of("logs", NONE), List.of("rmi", NONE), List.of("pull", "-q", UNREACHABLE), List.of("nosuchcommand"));

  /** And those of the full cache besides. */
  private static final List<List<String>> FULL = List.of(
      List.of("run", "--help"), List.of("exec", "--help"), List.of("images"), List.of("ps", "-a", "--format", "json"),
      List.of("inspect", NONE), List.of("run", "--pull", "never", "--rm", NONE, "true"), List.of("exec", NONE, "true"));

  private AotTraining() {}

  /**
   * Trains, then ends through System.exit as BerthCtl.main does: the JDK's exit looks up a logger
   * for it (seven classes), which a training that returned from main left out of the cache.
   */
  public static void main(String[] args) throws Exception {
    train(args);
    System.exit(0);
  }

  /** The training run of {@link #main}, which the tests run in their own JVM. */
  static void train(String[] args) throws Exception {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    Io io = new Io(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), discard, System.getenv(),
        false);
    // What the java launcher does before BerthCtl.main: it finds main among BerthCtl's methods,
    // which loads the types in all their signatures (one left out of the cache made every run
    // open berthctl's jar, ~9 ms). Then the process's own streams, made as BerthCtl.main makes
    // them (the commands write elsewhere).
    BerthCtl.class.getDeclaredMethods();
    Io.system();
    if (args.length > 0 && args[0].equals("command")) {
      String[] command = Arrays.copyOfRange(args, 1, args.length);
      BerthCtl.launch(io, command);
      DescriptorWarmUp.buildFor(Subcommands.named(command));
      return;
    }
    boolean full = args.length == 0 || !args[0].equals("light");
    for (List<String> command : full ? concat(LIGHT, FULL) : LIGHT) {
      BerthCtl.launch(io, command.toArray(String[]::new));
    }
    // what DescriptorWarmUp builds, whether or not a berthd answered the commands above
    DescriptorWarmUp.build();
    if (full) {
      rehearseRunAndExec();
      loadMessages();
    }
  }

  private static List<List<String>> concat(List<List<String>> a, List<List<String>> b) {
    List<List<String>> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Every request and response of the APIs that create, run and remove containers, parsed once:
   * the commands above call only a few of their methods, and without this a run loaded the other
   * messages' classes from their jars (some 120 classes, tens of milliseconds).
   */
  private static void loadMessages() throws InvalidProtocolBufferException {
    for (ServiceDescriptor service : List.of(ContainersGrpc.getServiceDescriptor(), TasksGrpc.getServiceDescriptor(),
        SnapshotsGrpc.getServiceDescriptor(), LeasesGrpc.getServiceDescriptor(), ImagesGrpc.getServiceDescriptor(),
        ContentGrpc.getServiceDescriptor(), AttachGrpc.getServiceDescriptor(), AttachmentsGrpc.getServiceDescriptor(),
        VolumesGrpc.getServiceDescriptor(), TransferGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        parseOnce(method.getRequestMarshaller());
        parseOnce(method.getResponseMarshaller());
      }
    }
  }

  private static void parseOnce(MethodDescriptor.Marshaller<?> marshaller) throws InvalidProtocolBufferException {
    if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> p && p.getMessagePrototype() instanceof Message m) {
      m.getParserForType().parseFrom(m.toBuilder().build().toByteArray());
    }
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
    Any written = SpecJson.toAny(spec);
    SpecJson.fromAny(written);
    SpecJson.processJson(SpecJson.processOf(written));
    ContainerConfig config = ContainerConfig.empty();
    config.config().put("Image", "aot-training");
    config.tty();
    config.toAny();
    for (Message m : List.of(CreateTaskRequest.getDefaultInstance(), ExecProcessRequest.getDefaultInstance(),
        StartRequest.getDefaultInstance(), WaitRequest.getDefaultInstance(), DeleteProcessRequest.getDefaultInstance(),
        AttachInput.getDefaultInstance(), AttachOutput.getDefaultInstance())) {
      m.getParserForType().parseFrom(m.toByteArray());
    }
    // A map field read while empty builds its proto file's descriptors, and descriptor.proto's with
    // them: run and exec read the labels of images and containers and the annotations of
    // descriptors, and the classes doing that come from the cache only if training did it too.
    containerd.types.Descriptor.getDefaultInstance().getAnnotationsMap();
    containerd.services.images.v1.Image.getDefaultInstance().getLabelsMap();
    containerd.services.containers.v1.Container.getDefaultInstance().getLabelsMap();
    // the JDK's SHA-256, which hashes manifests, configs and chain IDs
    ChainIds.of(List.of(image.diffIds().get(0), image.diffIds().get(0)));
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
