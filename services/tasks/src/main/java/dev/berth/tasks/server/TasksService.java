package dev.berth.tasks.server;

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
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import dev.berth.tasks.ProcessState;
import dev.berth.tasks.Tasks;
import dev.berth.common.time.EpochNanos;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import javax.inject.Inject;

/** containerd's Tasks API over {@link Tasks}, in the caller's namespace. */
public final class TasksService extends TasksGrpc.TasksImplBase {
  private final Tasks tasks;

  @Inject
  public TasksService(Tasks tasks) {
    this.tasks = tasks;
  }

  @Override
  public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
    ProcessState p = tasks.create(RequestContext.namespace(), TaskMessages.spec(request));
    reply(response, CreateTaskResponse.newBuilder().setContainerId(p.containerId()).setPid(p.pid()).build());
  }

  @Override
  public void start(StartRequest request, StreamObserver<StartResponse> response) {
    int pid = tasks.start(RequestContext.namespace(), request.getContainerId(), request.getExecId());
    reply(response, StartResponse.newBuilder().setPid(pid).build());
  }

  /** Answers once the task's exit is known and it is torn down, without holding a thread meanwhile. */
  @Override
  public void delete(DeleteTaskRequest request, StreamObserver<DeleteResponse> response) {
    later(response, tasks.delete(RequestContext.namespace(), request.getContainerId()), TaskMessages::deleted);
  }

  @Override
  public void deleteProcess(DeleteProcessRequest request, StreamObserver<DeleteResponse> response) {
    reply(response, TaskMessages.deleted(
        tasks.deleteProcess(RequestContext.namespace(), request.getContainerId(), request.getExecId())));
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    ProcessState p = tasks.get(RequestContext.namespace(), request.getContainerId(), request.getExecId());
    reply(response, GetResponse.newBuilder().setProcess(TaskMessages.process(p)).build());
  }

  @Override
  public void list(ListTasksRequest request, StreamObserver<ListTasksResponse> response) {
    ListTasksResponse.Builder list = ListTasksResponse.newBuilder();
    tasks.list(RequestContext.namespace()).forEach(p -> list.addTasks(TaskMessages.process(p)));
    reply(response, list.build());
  }

  @Override
  public void kill(KillRequest request, StreamObserver<Empty> response) {
    tasks.kill(RequestContext.namespace(), request.getContainerId(), request.getExecId(), request.getSignal(), request.getAll());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void exec(ExecProcessRequest request, StreamObserver<Empty> response) {
    tasks.exec(RequestContext.namespace(), request.getContainerId(), TaskMessages.spec(request));
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
    ListPidsResponse.Builder pids = ListPidsResponse.newBuilder();
    tasks.pids(RequestContext.namespace(), request.getContainerId()).forEach(p -> pids.addProcesses(TaskMessages.info(p)));
    reply(response, pids.build());
  }

  @Override
  public void checkpoint(CheckpointTaskRequest request, StreamObserver<CheckpointTaskResponse> response) {
    throw Errors.unimplemented("checkpoint is not supported");
  }

  @Override
  public void update(UpdateTaskRequest request, StreamObserver<Empty> response) {
    tasks.update(RequestContext.namespace(), request.getContainerId(), request.getResources().getValue().toByteArray());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void metrics(MetricsRequest request, StreamObserver<MetricsResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    MetricsResponse.Builder metrics = MetricsResponse.newBuilder();
    tasks.metrics(RequestContext.namespace(), filter).forEach(m -> metrics.addMetrics(TaskMessages.metric(m)));
    reply(response, metrics.build());
  }

  /** Answers when the process ends, without holding a thread meanwhile. */
  @Override
  public void wait(WaitRequest request, StreamObserver<WaitResponse> response) {
    later(response, tasks.waitFor(RequestContext.namespace(), request.getContainerId(), request.getExecId()),
        exit -> WaitResponse.newBuilder().setExitStatus(exit.status()).setExitedAt(EpochNanos.toTimestamp(exit.at())).build());
  }

  private static <R, T> void later(StreamObserver<T> response, CompletableFuture<R> result, Function<R, T> message) {
    // a client that gives up waiting must not make the late answer fail
    ((ServerCallStreamObserver<T>) response).setOnCancelHandler(() -> { });
    result.whenComplete((value, error) -> {
      if (error != null) {
        response.onError(Errors.toStatus(error instanceof CompletionException ? error.getCause() : error));
      } else {
        reply(response, message.apply(value));
      }
    });
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
