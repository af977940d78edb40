package dev.berth.common.grpc;

import dev.berth.api.grpc.Headers;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Where a call's handler runs: the methods named here on the socket thread that read the call,
 * every other one on the server's executor. Handing a call to another thread and its answer back
 * costs two thread wake-ups, about a millisecond on a busy machine, far more than a lookup in
 * memory or in the metadata store takes; a handler that can wait (for a process, a mount, a
 * disk write, a stream's flow control, recovery) must not hold the socket thread, which moves
 * the bytes of every other call. A call under a lease ({@code containerd-lease}) is never run
 * there: a read under one takes what it reads into the lease (Content.Info, Snapshots.Stat: a
 * Leases call, which writes and syncs the metadata store on this same thread, in-process calls
 * running on their caller's) and waits for a collection's sweep under way.
 */
final class InlineCalls implements ServerCallExecutorSupplier {
  private final Set<String> inline;
  private final Executor executor;

  /** {@code inline}: full method names ("package.Service/Method") that answer without waiting. */
  InlineCalls(Set<String> inline, Executor executor) {
    this.inline = Set.copyOf(inline);
    this.executor = executor;
  }

  /** null keeps the call on the server's default executor, the socket thread itself. */
  @Override
  public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
    boolean answersAtOnce = inline.contains(call.getMethodDescriptor().getFullMethodName())
        && !headers.containsKey(Headers.LEASE);
    return answersAtOnce ? null : executor;
  }
}
