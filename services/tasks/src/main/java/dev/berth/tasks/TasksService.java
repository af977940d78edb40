package dev.berth.tasks;

import com.google.protobuf.Empty;
import containerd.services.tasks.v1.CheckpointTaskRequest;
import containerd.services.tasks.v1.CheckpointTaskResponse;
import containerd.services.tasks.v1.CloseIORequest;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.CreateTaskResponse;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.GetResponse;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListPidsRequest;
import containerd.services.tasks.v1.ListPidsResponse;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.ListTasksResponse;
import containerd.services.tasks.v1.MetricsRequest;
import containerd.services.tasks.v1.MetricsResponse;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResizePtyRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.StartResponse;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.UpdateTaskRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Process;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import dev.berth.common.time.EpochNanos;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** containerd's Tasks API over {@link TaskManager}, in the caller's namespace. */
public final class TasksService extends TasksGrpc.TasksImplBase {
  private final TaskManager tasks;

  public TasksService(TaskManager tasks) {
    this.tasks = tasks;
  }

  @Override
  public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
    Process p = tasks.create(RequestContext.namespace(), request);
    reply(response, CreateTaskResponse.newBuilder().setContainerId(p.getContainerId()).setPid(p.getPid()).build());
  }

  @Override
  public void start(StartRequest request, StreamObserver<StartResponse> response) {
    int pid = tasks.start(RequestContext.namespace(), request.getContainerId(), request.getExecId());
    reply(response, StartResponse.newBuilder().setPid(pid).build());
  }

  @Override
  public void delete(DeleteTaskRequest request, StreamObserver<DeleteResponse> response) {
    reply(response, toProto(tasks.delete(RequestContext.namespace(), request.getContainerId())));
  }

  @Override
  public void deleteProcess(DeleteProcessRequest request, StreamObserver<DeleteResponse> response) {
    reply(response, toProto(tasks.deleteProcess(RequestContext.namespace(), request.getContainerId(), request.getExecId())));
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    Process p = tasks.get(RequestContext.namespace(), request.getContainerId(), request.getExecId());
    reply(response, GetResponse.newBuilder().setProcess(p).build());
  }

  @Override
  public void list(ListTasksRequest request, StreamObserver<ListTasksResponse> response) {
    reply(response, ListTasksResponse.newBuilder().addAllTasks(tasks.list(RequestContext.namespace())).build());
  }

  @Override
  public void kill(KillRequest request, StreamObserver<Empty> response) {
    tasks.kill(RequestContext.namespace(), request.getContainerId(), request.getExecId(), request.getSignal(), request.getAll());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void exec(ExecProcessRequest request, StreamObserver<Empty> response) {
    tasks.exec(RequestContext.namespace(), request);
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void resizePty(ResizePtyRequest request, StreamObserver<Empty> response) {
    tasks.resizePty(RequestContext.namespace(), request.getContainerId(), request.getExecId(),
        request.getWidth(), request.getHeight());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void closeIO(CloseIORequest request, StreamObserver<Empty> response) {
    if (request.getStdin()) {
      tasks.closeStdin(RequestContext.namespace(), request.getContainerId(), request.getExecId());
    }
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void pause(PauseTaskRequest request, StreamObserver<Empty> response) {
    tasks.pause(RequestContext.namespace(), request.getContainerId());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void resume(ResumeTaskRequest request, StreamObserver<Empty> response) {
    tasks.resume(RequestContext.namespace(), request.getContainerId());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void listPids(ListPidsRequest request, StreamObserver<ListPidsResponse> response) {
    reply(response, ListPidsResponse.newBuilder()
        .addAllProcesses(tasks.pids(RequestContext.namespace(), request.getContainerId())).build());
  }

  @Override
  public void checkpoint(CheckpointTaskRequest request, StreamObserver<CheckpointTaskResponse> response) {
    throw Errors.unimplemented("checkpoint is not supported");
  }

  @Override
  public void update(UpdateTaskRequest request, StreamObserver<Empty> response) {
    tasks.update(RequestContext.namespace(), request.getContainerId(), request.getResources());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void metrics(MetricsRequest request, StreamObserver<MetricsResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    reply(response, MetricsResponse.newBuilder().addAllMetrics(tasks.metrics(RequestContext.namespace(), filter)).build());
  }

  /** Answers when the process ends, without holding a thread meanwhile. */
  @Override
  public void wait(WaitRequest request, StreamObserver<WaitResponse> response) {
    // a client that gives up waiting must not make the late answer fail
    ((ServerCallStreamObserver<WaitResponse>) response).setOnCancelHandler(() -> { });
    tasks.waitFor(RequestContext.namespace(), request.getContainerId(), request.getExecId()).whenComplete((exit, error) -> {
      if (error != null) {
        response.onError(Errors.toStatus(error));
      } else {
        reply(response, WaitResponse.newBuilder()
            .setExitStatus(exit.status()).setExitedAt(EpochNanos.toTimestamp(exit.at())).build());
      }
    });
  }

  private static DeleteResponse toProto(TaskDeletion d) {
    return DeleteResponse.newBuilder().setId(d.id()).setPid(d.pid()).setExitStatus(d.exitStatus()).setExitedAt(d.exitedAt()).build();
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
