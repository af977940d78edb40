package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.attach.v1.AttachGrpc;
import berth.attach.v1.AttachInput;
import berth.attach.v1.AttachOutput;
import com.google.protobuf.ByteString;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.common.testing.InProcessServices;
import dev.berth.tasks.server.AttachService;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Attach API on real conmon and runc: a shell started with open stdin and no client is
 * joined, typed to, left running by a detach, joined again and ended; and the answers for
 * processes that cannot be attached to.
 */
class AttachKernelTest {
  @RegisterExtension
  final TaskRig rig = TaskRig.perTest();
  private InProcessServices attachServer;
  private AttachGrpc.AttachStub attach;

  @BeforeEach
  void serveAttach() throws Exception {
    attachServer = InProcessServices.start(new AttachService(rig.manager));
    attach = AttachGrpc.newStub(attachServer.channel());
  }

  @AfterEach
  void stopServing() throws Exception {
    attachServer.close();
  }

  /** One client's side of an attach: what came, and how the stream ended. */
  private final class Client implements ClientResponseObserver<AttachInput, AttachOutput> {
    final BlockingQueue<AttachOutput> received = new LinkedBlockingQueue<>();
    final StringBuilder output = new StringBuilder();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientCallStreamObserver<AttachInput> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<AttachInput> stream) {
      requests = stream;
    }

    @Override
    public void onNext(AttachOutput value) {
      received.add(value);
      if (value.hasOutput()) {
        synchronized (output) {
          output.append(value.getOutput().getData().toString(StandardCharsets.UTF_8));
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      ended.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      ended.complete(null);
    }

    void type(String text) {
      requests.onNext(AttachInput.newBuilder().setData(ByteString.copyFromUtf8(text)).build());
    }

    boolean awaitOutput(String expected) throws InterruptedException {
      for (int i = 0; i < 200; i++) {
        synchronized (output) {
          if (output.toString().contains(expected)) {
            return true;
          }
        }
        Thread.sleep(50);
      }
      return false;
    }
  }

  private Client join(String id, boolean stdin) throws Exception {
    Client c = new Client();
    attach.attach(c);
    c.requests.onNext(AttachInput.newBuilder().setContainerId(id).setStdin(stdin).build());
    return c;
  }

  private StatusRuntimeException refused(String id) throws Exception {
    Client c = join(id, false);
    Exception e = assertThrows(Exception.class, () -> c.ended.get(30, TimeUnit.SECONDS));
    return (StatusRuntimeException) e.getCause();
  }

  private static boolean sawStderr(Client c, String text) {
    return c.received.stream().anyMatch(o -> o.getOutput().getStream().equals("stderr")
        && o.getOutput().getData().toStringUtf8().contains(text));
  }

  private void start(String id, Map<String, String> labels, String... args) {
    rig.createContainer(id, rig.spec(id, args), labels);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
  }

  @Test
  void aShellWithOpenStdinIsJoinedLeftRunningAndJoinedAgain() throws Exception {
    start("shell", Map.of(ContainerLabels.OPEN_STDIN, ContainerLabels.TRUE), "sh");
    Client first = join("shell", true);
    AttachOutput answer = first.received.poll(30, TimeUnit.SECONDS);
    assertTrue(answer != null && answer.hasAttached() && answer.getAttached().getStdin(), String.valueOf(answer));
    first.type("echo joined-$((40+2))\n");
    first.type("echo to-stderr-$((1+1)) >&2\n");
    assertTrue(first.awaitOutput("joined-42"), first.output::toString);
    // stderr is relayed apart from stdout: its line may come a moment after stdout's
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!sawStderr(first, "to-stderr-2") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(sawStderr(first, "to-stderr-2"), first.received::toString);
    // detaching closes only this client's connection: the shell's stdin stays open
    first.requests.cancel("detach", null);
    Thread.sleep(300);
    assertEquals(Status.RUNNING, rig.tasksApi.get(GetRequest.newBuilder().setContainerId("shell").build()).getProcess().getStatus());

    Client second = join("shell", true);
    second.type("exit 5\n");
    second.ended.get(30, TimeUnit.SECONDS);
    assertEquals(5, rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("shell").build()).getExitStatus());
  }

  @Test
  void aCreatedProcessJoinedBeforeItsStartMissesNoOutput() throws Exception {
    rig.createContainer("early", rig.spec("early", "echo", "first-words"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("early").addRootfs(rig.rootfsMount()).build());
    Client c = join("early", false);
    AttachOutput answer = c.received.poll(30, TimeUnit.SECONDS);
    assertTrue(answer != null && answer.hasAttached(), String.valueOf(answer));
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("early").build());
    c.ended.get(30, TimeUnit.SECONDS);
    assertTrue(c.output.toString().contains("first-words"), c.output::toString);
  }

  @Test
  void stdinIsRefusedWhereNoOneOpenedItForAttaching() throws Exception {
    start("closed", Map.of(), "sleep", "1000");
    Client c = join("closed", true);
    AttachOutput answer = c.received.poll(30, TimeUnit.SECONDS);
    assertTrue(answer != null && answer.hasAttached() && !answer.getAttached().getStdin(), String.valueOf(answer));
    c.requests.cancel("done", null);
  }

  @Test
  void processesThatDoNotRunCannotBeAttachedTo() throws Exception {
    assertEquals(io.grpc.Status.Code.NOT_FOUND, refused("nosuch").getStatus().getCode());

    start("ended", Map.of(), "true");
    rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("ended").build());
    StatusRuntimeException stopped = refused("ended");
    assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, stopped.getStatus().getCode());
    assertTrue(stopped.getStatus().getDescription().contains("start it first"), stopped::toString);

    start("paused", Map.of(), "sleep", "1000");
    rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("paused").build());
    StatusRuntimeException paused = refused("paused");
    assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, paused.getStatus().getCode());
    assertTrue(paused.getStatus().getDescription().contains("unpause it first"), paused::toString);
    rig.tasksApi.resume(ResumeTaskRequest.newBuilder().setContainerId("paused").build());

    Client nameless = new Client();
    attach.attach(nameless);
    nameless.requests.onCompleted();
    Exception e = assertThrows(Exception.class, () -> nameless.ended.get(30, TimeUnit.SECONDS));
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, ((StatusRuntimeException) e.getCause()).getStatus().getCode());
  }
}
