package dev.berth.client.build;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.CreateVolumeResponse;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.GetVolumeResponse;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** berthd's Volumes served in-process, each volume {@code <root>/<name>/_data} as berthd lays them out. */
final class DirectoryVolumes extends VolumesGrpc.VolumesImplBase implements AutoCloseable {
  final Map<String, Volume> volumes = new ConcurrentHashMap<>();
  private final Path root;
  private final Server server;
  final ManagedChannel channel;

  DirectoryVolumes(Path root) throws IOException {
    this.root = root;
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(this).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @Override
  public void create(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> response) {
    Path data = root.resolve(request.getName()).resolve("_data");
    Volume volume = Volume.newBuilder().setName(request.getName()).setDriver("local").setMountpoint(data.toString())
        .putAllLabels(request.getLabelsMap()).build();
    if (volumes.putIfAbsent(request.getName(), volume) != null) {
      response.onError(Status.ALREADY_EXISTS.withDescription("volume exists").asRuntimeException());
      return;
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    response.onNext(CreateVolumeResponse.newBuilder().setVolume(volume).build());
    response.onCompleted();
  }

  @Override
  public void get(GetVolumeRequest request, StreamObserver<GetVolumeResponse> response) {
    Volume volume = volumes.get(request.getName());
    if (volume == null) {
      response.onError(Status.NOT_FOUND.withDescription("no such volume").asRuntimeException());
      return;
    }
    response.onNext(GetVolumeResponse.newBuilder().setVolume(volume).build());
    response.onCompleted();
  }

  @Override
  public void delete(DeleteVolumeRequest request, StreamObserver<Empty> response) {
    if (volumes.remove(request.getName()) == null) {
      response.onError(Status.NOT_FOUND.withDescription("no such volume").asRuntimeException());
      return;
    }
    try (Stream<Path> walk = Files.walk(root.resolve(request.getName()))) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
