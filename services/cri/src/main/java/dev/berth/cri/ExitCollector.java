package dev.berth.cri;

import com.google.protobuf.InvalidProtocolBufferException;
import containerd.events.TaskExit;
import containerd.services.containers.v1.Container;
import containerd.services.events.v1.Envelope;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.events.EventSubscription;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.containers.ContainerClient;
import io.grpc.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Keeps the exits of CRI containers that end on their own (see {@link ExitRecords}), as
 * containerd's CRI does on each task exit event: from the Events API while berthd runs, and by a
 * sweep of the ended tasks when it starts and whenever the event stream had to be opened again
 * (exits may have passed unheard meanwhile). Other containers of the namespace (made with
 * {@code ctr -n k8s.io}) are not touched.
 */
final class ExitCollector implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ExitCollector.class.getName());
  private static final String TOPIC = "/tasks/exit";

  private final Channel api;
  private final ContainerClient records;
  private final ExitRecords exits;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cri-exits");
    t.setDaemon(true);
    return t;
  });
  private final EventSubscription subscription;

  ExitCollector(Channel api, ExitRecords exits) {
    this.api = api;
    this.records = new ContainerClient(api);
    this.exits = exits;
    this.subscription = new EventSubscription("CRI exit collector", api,
        List.of("topic==\"" + TOPIC + "\",namespace==\"" + CriServices.NAMESPACE + "\""),
        new EventSubscription.Listener() {
          @Override
          public void event(Envelope envelope) {
            heard(envelope);
          }

          @Override
          public void resubscribed() {
            submit(ExitCollector.this::sweep);
          }
        });
  }

  /** Listens from now on, then collects the exits that passed before. */
  void start() {
    subscription.subscribe();
    submit(this::sweep);
  }

  private void heard(Envelope envelope) {
    TaskExit exit;
    try {
      exit = TaskExit.parseFrom(envelope.getEvent().getValue());
    } catch (InvalidProtocolBufferException e) {
      LOG.warning("CRI exit collector: ignoring a malformed " + TOPIC + " event: " + e.getMessage());
      return;
    }
    // an exec's exit names the exec; only the main process's ends the container
    if (exit.getId().equals(exit.getContainerId())) {
      submit(() -> collect(exit.getContainerId(), exit.getExitStatus(), ProtoTimes.toInstant(exit.getExitedAt())));
    }
  }

  private void collect(String id, int status, Instant at) {
    Optional<Container> record = records.find(id);
    if (record.isPresent() && isCriContainer(record.get())) {
      exits.keep(id, status, at);
    }
  }

  /** Every ended task of a CRI container: their exits are kept as the events would have had them kept. */
  private void sweep() {
    Set<String> criContainers = records.list(CriRecords.kindFilter(CriRecords.CONTAINER)).stream()
        .map(Container::getId).collect(Collectors.toSet());
    List<Process> ended = TasksGrpc.newBlockingStub(api).list(ListTasksRequest.getDefaultInstance()).getTasksList()
        .stream().filter(t -> t.getStatus() == Status.STOPPED && criContainers.contains(t.getContainerId())).toList();
    for (Process task : ended) {
      exits.keep(task.getContainerId(), task.getExitStatus(), ProtoTimes.toInstant(task.getExitedAt()));
    }
    if (!ended.isEmpty()) {
      LOG.info("CRI exit collector: kept the exits of " + ended.size() + " containers that ended unheard");
    }
  }

  private static boolean isCriContainer(Container record) {
    return CriRecords.CONTAINER.equals(record.getLabelsMap().get(CriRecords.KIND));
  }

  private void submit(Runnable work) {
    try {
      worker.execute(() -> {
        try {
          work.run();
        } catch (RuntimeException e) {
          // the next sweep (after a resubscription or berthd's next start) tries again
          LOG.warning("CRI exit collector: " + e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      // closed: berthd is stopping
    }
  }

  @Override
  public void close() {
    subscription.close();
    worker.shutdownNow();
  }
}
