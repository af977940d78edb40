package dev.berth.api.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;

/** A managed channel that releases a resource of its own (an event loop) once shut down. */
final class ChannelWithCleanup extends ManagedChannel {
  private final ManagedChannel delegate;
  private final Runnable cleanup;

  ChannelWithCleanup(ManagedChannel delegate, Runnable cleanup) {
    this.delegate = delegate;
    this.cleanup = cleanup;
  }

  @Override
  public ManagedChannel shutdown() {
    delegate.shutdown();
    cleanup.run();
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    delegate.shutdownNow();
    cleanup.run();
    return this;
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return delegate.newCall(method, options);
  }

  @Override
  public String authority() {
    return delegate.authority();
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return delegate.getState(requestConnection);
  }

  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    delegate.notifyWhenStateChanged(source, callback);
  }

  @Override
  public void resetConnectBackoff() {
    delegate.resetConnectBackoff();
  }

  @Override
  public void enterIdle() {
    delegate.enterIdle();
  }
}
