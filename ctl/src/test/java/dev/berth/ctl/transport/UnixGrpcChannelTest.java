package dev.berth.ctl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.MessageLimits;
import dev.berth.common.grpc.UnixSocketServer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.InternalStatus;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channel against a real grpc-java server on a Unix socket, configured as berthd's sockets
 * are (UnixSocketServer): every kind of call, metadata both ways, statuses with their messages,
 * messages larger than a frame and than the flow-control windows, deadlines and cancellation.
 */
class UnixGrpcChannelTest {
  private static final String SERVICE = "berth.test.Transport";
  private static final Metadata.Key<String> ECHO = Metadata.Key.of("x-echo", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<byte[]> ECHO_BIN = Metadata.Key.of("x-echo-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  private static final MethodDescriptor<byte[], byte[]> ECHO_CALL = method("Echo", MethodType.UNARY);
  private static final MethodDescriptor<byte[], byte[]> FAIL = method("Fail", MethodType.UNARY);
  private static final MethodDescriptor<byte[], byte[]> HANG = method("Hang", MethodType.UNARY);
  private static final MethodDescriptor<byte[], byte[]> BLOBS = method("Blobs", MethodType.SERVER_STREAMING);
  private static final MethodDescriptor<byte[], byte[]> TICKS = method("Ticks", MethodType.SERVER_STREAMING);
  private static final MethodDescriptor<byte[], byte[]> SUM = method("Sum", MethodType.CLIENT_STREAMING);
  private static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodType.BIDI_STREAMING);

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CompletableFuture<Void> hangCancelled = new CompletableFuture<>();
  private final CompletableFuture<Void> ticksCancelled = new CompletableFuture<>();
  private Path dir;
  private UnixSocketServer server;
  private UnixGrpcChannel channel;

  @BeforeEach
  void serve() throws IOException {
    dir = Files.createTempDirectory("berthctl-transport");
    server = UnixSocketServer.start(dir.resolve("t.sock"), List.of(service()), null, executor);
    channel = UnixGrpcChannel.to(server.socket());
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    executor.shutdownNow();
    Files.deleteIfExists(dir.resolve("t.sock"));
    Files.deleteIfExists(dir);
  }

  @Test
  void unaryCallsCarryMessagesAndMetadataBothWays() throws Exception {
    Metadata headers = new Metadata();
    headers.put(ECHO, "namespace-like value");
    headers.put(ECHO_BIN, new byte[] {0, 1, (byte) 0xff, 10});
    ClientCall<byte[], byte[]> call = channel.newCall(ECHO_CALL, CallOptions.DEFAULT);
    Answer answer = new Answer();
    call.start(answer, headers);
    call.request(2);
    call.sendMessage(utf8("hello"));
    call.halfClose();
    answer.closed.get(10, TimeUnit.SECONDS);
    assertEquals(Status.Code.OK, answer.status.getCode());
    assertEquals("hello", new String(answer.messages.get(0), StandardCharsets.UTF_8));
    assertEquals("namespace-like value", answer.headers.get(ECHO));
    assertArrayEquals(new byte[] {0, 1, (byte) 0xff, 10}, answer.headers.get(ECHO_BIN));

    // the stubs' blocking path, many calls on the one connection
    for (int i = 0; i < 50; i++) {
      byte[] reply = ClientCalls.blockingUnaryCall(channel, ECHO_CALL, CallOptions.DEFAULT, utf8("n" + i));
      assertEquals("n" + i, new String(reply, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aServersStatusComesWithItsCodeMessageAndTrailers() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, FAIL, CallOptions.DEFAULT, utf8("thing")));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("no such thing: thing (100% sure, é)", e.getStatus().getDescription());
    assertEquals("trailer", e.getTrailers().get(ECHO));
    assertEquals(null, e.getTrailers().get(InternalStatus.CODE_KEY), "grpc-status is not left in the trailers");

    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, method("NoSuchMethod", MethodType.UNARY), CallOptions.DEFAULT, utf8("x")));
    assertEquals(Status.Code.UNIMPLEMENTED, unknown.getStatus().getCode());
  }

  @Test
  void messagesLargerThanFramesAndWindowsGoBothWays() {
    // 3 x 10 MiB to the client: more than its 16 MiB windows, so it must give them back
    Iterator<byte[]> blobs = ClientCalls.blockingServerStreamingCall(channel, BLOBS, CallOptions.DEFAULT,
        ByteBuffer.allocate(8).putInt(3).putInt(10 << 20).array());
    int count = 0;
    while (blobs.hasNext()) {
      byte[] blob = blobs.next();
      assertEquals(10 << 20, blob.length);
      assertArrayEquals(pattern(count, blob.length), blob);
      count++;
    }
    assertEquals(3, count);
    // one message as large as gRPC allows: with its prefix, larger than the stream's whole window
    byte[] largest = ClientCalls.blockingServerStreamingCall(channel, BLOBS, CallOptions.DEFAULT,
        ByteBuffer.allocate(8).putInt(1).putInt(MessageLimits.MAX_MESSAGE_BYTES).array()).next();
    assertArrayEquals(pattern(0, MessageLimits.MAX_MESSAGE_BYTES), largest);

    // 4 x 6 MiB to the server, more than its windows: the client waits for its WINDOW_UPDATEs
    ClientCall<byte[], byte[]> call = channel.newCall(SUM, CallOptions.DEFAULT);
    Answer answer = new Answer();
    call.start(answer, new Metadata());
    call.request(1);
    long expected = 0;
    for (int i = 0; i < 4; i++) {
      byte[] blob = pattern(i, 6 << 20);
      expected += checksum(blob);
      call.sendMessage(blob);
    }
    call.halfClose();
    assertDoesNotTimeOut(answer.closed);
    assertEquals(Status.Code.OK, answer.status.getCode(), String.valueOf(answer.status));
    assertEquals(expected, ByteBuffer.wrap(answer.messages.get(0)).getLong());
  }

  @Test
  void bidirectionalCallsInterleave() throws Exception {
    LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(CHAT, CallOptions.DEFAULT), new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            replies.add(new String(value, StandardCharsets.UTF_8));
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    for (int i = 0; i < 5; i++) {
      requests.onNext(utf8("line " + i));
      assertEquals("echo: line " + i, replies.poll(10, TimeUnit.SECONDS));
    }
    requests.onCompleted();
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDeadlineEndsTheCallAndTheServerHearsOfIt() throws Exception {
    long start = System.nanoTime();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, HANG, CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), utf8("x")));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    hangCancelled.get(10, TimeUnit.SECONDS);

    // a deadline of the caller's context counts too
    Context.CancellableContext context = Context.current().withDeadlineAfter(200, TimeUnit.MILLISECONDS,
        Executors.newSingleThreadScheduledExecutor());
    StatusRuntimeException fromContext = assertThrows(StatusRuntimeException.class, () -> context.call(
        () -> ClientCalls.blockingUnaryCall(channel, HANG, CallOptions.DEFAULT, utf8("x"))));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, fromContext.getStatus().getCode());
  }

  @Test
  void cancellingAStreamResetsItAndTheConnectionServesOn() throws Exception {
    ClientCall<byte[], byte[]> call = channel.newCall(TICKS, CallOptions.DEFAULT);
    Answer answer = new Answer();
    call.start(answer, new Metadata());
    call.request(Integer.MAX_VALUE);
    call.sendMessage(utf8("go"));
    call.halfClose();
    assertNotNull(answer.firstMessage.poll(10, TimeUnit.SECONDS));
    call.cancel("enough", null);
    answer.closed.get(10, TimeUnit.SECONDS);
    assertEquals(Status.Code.CANCELLED, answer.status.getCode());
    assertEquals("enough", answer.status.getDescription());
    ticksCancelled.get(10, TimeUnit.SECONDS);
    assertEquals("after", new String(
        ClientCalls.blockingUnaryCall(channel, ECHO_CALL, CallOptions.DEFAULT, utf8("after")), StandardCharsets.UTF_8));
  }

  @Test
  void noServerIsUnavailableWithItsCauseAndARestartedServerIsReachedAgain() throws Exception {
    UnixGrpcChannel nowhere = UnixGrpcChannel.to(dir.resolve("missing.sock"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(nowhere, ECHO_CALL, CallOptions.DEFAULT, utf8("x")));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertNotNull(e.getStatus().getCause());
    nowhere.shutdown();
    assertTrue(nowhere.awaitTermination(1, TimeUnit.SECONDS));

    ClientCalls.blockingUnaryCall(channel, ECHO_CALL, CallOptions.DEFAULT, utf8("before"));
    server.close();
    StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, ECHO_CALL, CallOptions.DEFAULT, utf8("x")));
    assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
    server = UnixSocketServer.start(dir.resolve("t.sock"), List.of(service()), null, executor);
    assertEquals("again", new String(
        ClientCalls.blockingUnaryCall(channel, ECHO_CALL, CallOptions.DEFAULT, utf8("again")), StandardCharsets.UTF_8));
  }

  private static void assertDoesNotTimeOut(CompletableFuture<Void> f) {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call did not end", e);
    }
  }

  /** Records what a call's listener heard. */
  private static final class Answer extends ClientCall.Listener<byte[]> {
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final List<byte[]> messages = new ArrayList<>();
    final LinkedBlockingQueue<byte[]> firstMessage = new LinkedBlockingQueue<>();
    volatile Metadata headers;
    volatile Status status;

    @Override
    public void onHeaders(Metadata headers) {
      this.headers = headers;
    }

    @Override
    public void onMessage(byte[] message) {
      synchronized (messages) {
        messages.add(message);
      }
      firstMessage.offer(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      this.status = status;
      closed.complete(null);
    }
  }

  private ServerServiceDefinition service() {
    ServerServiceDefinition definition = ServerServiceDefinition.builder(SERVICE)
        .addMethod(ECHO_CALL, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext(request);
          out.onCompleted();
        }))
        .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> {
          Metadata trailers = new Metadata();
          trailers.put(ECHO, "trailer");
          out.onError(Status.NOT_FOUND.withDescription(
              "no such thing: " + new String(request, StandardCharsets.UTF_8) + " (100% sure, é)")
              .asRuntimeException(trailers));
        }))
        .addMethod(HANG, ServerCalls.asyncUnaryCall((request, out) ->
            Context.current().addListener(c -> hangCancelled.complete(null), Runnable::run)))
        .addMethod(BLOBS, ServerCalls.asyncServerStreamingCall((request, out) -> {
          ByteBuffer b = ByteBuffer.wrap(request);
          int count = b.getInt();
          int size = b.getInt();
          for (int i = 0; i < count; i++) {
            out.onNext(pattern(i, size));
          }
          out.onCompleted();
        }))
        .addMethod(TICKS, ServerCalls.asyncServerStreamingCall((request, out) -> {
          Context.current().addListener(c -> ticksCancelled.complete(null), Runnable::run);
          executor.execute(() -> {
            while (!Context.current().isCancelled() && !ticksCancelled.isDone()) {
              out.onNext(utf8("tick"));
              sleep(20);
            }
          });
        }))
        .addMethod(SUM, ServerCalls.asyncClientStreamingCall((StreamObserver<byte[]> out) -> new StreamObserver<byte[]>() {
          long sum;

          @Override
          public void onNext(byte[] value) {
            sum += checksum(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onNext(ByteBuffer.allocate(8).putLong(sum).array());
            out.onCompleted();
          }
        }))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall((StreamObserver<byte[]> out) -> new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] value) {
            out.onNext(utf8("echo: " + new String(value, StandardCharsets.UTF_8)));
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        }))
        .build();
    return ServerInterceptors.intercept(definition, new EchoHeaders());
  }

  /** Answers the request's x-echo headers as response headers. */
  private static final class EchoHeaders implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata requestHeaders,
        ServerCallHandler<Q, R> next) {
      return next.startCall(new SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata headers) {
          if (requestHeaders.containsKey(ECHO)) {
            headers.put(ECHO, requestHeaders.get(ECHO));
          }
          if (requestHeaders.containsKey(ECHO_BIN)) {
            headers.put(ECHO_BIN, requestHeaders.get(ECHO_BIN));
          }
          super.sendHeaders(headers);
        }
      }, requestHeaders);
    }
  }

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes that differ by message and position, so a misplaced frame shows. */
  private static byte[] pattern(int seed, int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed * 7 + (i >>> 13));
    }
    return b;
  }

  private static long checksum(byte[] b) {
    long sum = 0;
    for (int i = 0; i < b.length; i++) {
      sum = sum * 1_000_003 + b[i];
    }
    return sum;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
