package dev.berth.tasks.server;

import berth.attach.v1.AttachGrpc;
import berth.attach.v1.AttachInput;
import berth.attach.v1.AttachOutput;
import berth.attach.v1.Attached;
import berth.attach.v1.Output;
import com.google.protobuf.ByteString;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import dev.berth.linux.ErrnoException;
import dev.berth.tasks.attach.AttachPoint;
import dev.berth.tasks.attach.AttachSession;
import dev.berth.tasks.attach.TaskAttachments;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;

/**
 * Berth's Attach API: a client joins a process's stdio through its monitor's attach socket, in
 * the caller's namespace. Output is sent as fast as the client takes it; like any reader of the
 * attach socket, a client that stops reading (without detaching) at length holds up the monitor.
 */
public final class AttachService extends AttachGrpc.AttachImplBase {
  private final TaskAttachments tasks;

  @Inject
  public AttachService(TaskAttachments tasks) {
    this.tasks = tasks;
  }

  @Override
  public StreamObserver<AttachInput> attach(StreamObserver<AttachOutput> responses) {
    ServerCallStreamObserver<AttachOutput> call = (ServerCallStreamObserver<AttachOutput>) responses;
    String namespace = RequestContext.namespace();
    Client client = new Client(call);
    call.setOnReadyHandler(client::ready);
    AtomicReference<AttachSession> joined = new AtomicReference<>();
    call.setOnCancelHandler(() -> {
      AttachSession s = joined.get();
      if (s != null) {
        s.detach();
      }
    });
    return new StreamObserver<>() {
      private AttachSession session;
      private boolean stdin;
      private boolean refused;

      @Override
      public void onNext(AttachInput input) {
        if (refused) {
          return;
        }
        if (session == null) {
          try {
            AttachPoint point = tasks.attachPoint(namespace, input.getContainerId(), input.getExecId());
            stdin = input.getStdin() && point.stdin();
            session = AttachSession.connect(point);
            joined.set(session);
            if (call.isCancelled()) {
              // the client left before the session was known to the cancel handler
              session.detach();
            }
            call.onNext(AttachOutput.newBuilder()
                .setAttached(Attached.newBuilder().setTerminal(point.terminal()).setStdin(stdin)).build());
            session.start(client);
          } catch (ErrnoException e) {
            // the process ended between the check and the connect: its monitor is gone
            fail(Errors.failedPrecondition("cannot attach to container %s: it is not running (%s)",
                input.getContainerId(), e.getMessage()));
          } catch (RuntimeException e) {
            fail(e);
          }
          return;
        }
        if (stdin && !input.getData().isEmpty()) {
          session.input(input.getData().toByteArray());
        }
      }

      @Override
      public void onError(Throwable t) {
        if (session != null) {
          session.detach();
        }
      }

      @Override
      public void onCompleted() {
        if (session == null && !refused) {
          fail(Errors.invalidArgument("attach needs a first message naming the container"));
        } else if (stdin) {
          session.endInput();
        }
      }

      private void fail(RuntimeException e) {
        refused = true;
        call.onError(Errors.toStatus(e));
      }
    };
  }

  /** The client's side of the stream: output waits while gRPC's buffer for it is full. */
  private static final class Client implements AttachSession.Sink {
    private final ServerCallStreamObserver<AttachOutput> call;

    Client(ServerCallStreamObserver<AttachOutput> call) {
      this.call = call;
    }

    synchronized void ready() {
      notifyAll();
    }

    @Override
    public synchronized void output(boolean stderr, byte[] data, int offset, int length) throws InterruptedException {
      while (!call.isReady() && !call.isCancelled()) {
        wait(100);
      }
      if (call.isCancelled()) {
        return;
      }
      call.onNext(AttachOutput.newBuilder().setOutput(Output.newBuilder()
          .setStream(stderr ? "stderr" : "stdout").setData(ByteString.copyFrom(data, offset, length))).build());
    }

    @Override
    public synchronized void ended() {
      if (!call.isCancelled()) {
        call.onCompleted();
      }
    }
  }
}
