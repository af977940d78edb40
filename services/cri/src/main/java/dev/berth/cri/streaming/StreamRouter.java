package dev.berth.cri.streaming;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySessionHandler;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streaming server's HTTP side: {@code GET} (or {@code POST}) {@code /exec/TOKEN}, {@code /attach/TOKEN},
 * {@code /portforward/TOKEN}. The token is used up by the first request that names it; an unknown,
 * used or expired one is 404, as the kubelet answers. The request then upgrades: to SPDY/3.1
 * with the protocol version negotiated through {@code X-Stream-Protocol-Version} (the first the
 * client lists that the server speaks; none in common is 403), or to WebSocket with a
 * subprotocol.
 */
final class StreamRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Pattern PATH = Pattern.compile("^/(exec|attach|portforward)/([A-Za-z0-9_-]+)/?(\\?.*)?$");
  private static final String SPDY = "SPDY/3.1";
  private static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
  private static final int MAX_WEBSOCKET_MESSAGE = 1024 * 1024;
  private static final List<String> REMOTE_COMMAND_SPDY = List.of(WebSocketRemoteCommand.V4);
  private static final List<String> REMOTE_COMMAND_WEBSOCKET = List.of(WebSocketRemoteCommand.V5,
      WebSocketRemoteCommand.V4);
  private static final List<String> PORT_FORWARD_SPDY = List.of(SpdyPortForward.PROTOCOL);
  private static final List<String> PORT_FORWARD_WEBSOCKET = List.of(WebSocketRemoteCommand.V4);

  private final StreamRequests requests;
  private final RemoteProcesses processes;

  StreamRouter(StreamRequests requests, RemoteProcesses processes) {
    this.requests = requests;
    this.processes = processes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
    Matcher m = PATH.matcher(http.uri());
    // GET and POST, as the kubelet's streaming server routes them (kubectl's SPDY requests are POSTs)
    if (!m.matches() || !(http.method().equals(HttpMethod.GET) || http.method().equals(HttpMethod.POST))) {
      respond(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    Optional<StreamRequest> found = requests.consume(m.group(2));
    String kind = m.group(1);
    if (found.isEmpty() || !kindOf(found.get()).equals(kind)) {
      respond(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    StreamRequest request = found.get();
    boolean forward = request instanceof StreamRequest.PortForward;
    String upgrade = http.headers().get(HttpHeaderNames.UPGRADE, "");
    if (upgrade.equalsIgnoreCase("websocket")) {
      upgradeToWebSocket(ctx, http, request, forward ? PORT_FORWARD_WEBSOCKET : REMOTE_COMMAND_WEBSOCKET);
    } else if (upgrade.equalsIgnoreCase(SPDY)
        && http.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT).contains("upgrade")) {
      upgradeToSpdy(ctx, http, request, forward ? PORT_FORWARD_SPDY : REMOTE_COMMAND_SPDY);
    } else {
      respond(ctx, HttpResponseStatus.BAD_REQUEST,
          "unable to upgrade: missing upgrade headers in request: the streaming server speaks SPDY/3.1 and WebSocket");
    }
  }

  private static String kindOf(StreamRequest r) {
    return r instanceof StreamRequest.Exec ? "exec" : r instanceof StreamRequest.Attach ? "attach" : "portforward";
  }

  private void upgradeToSpdy(ChannelHandlerContext ctx, FullHttpRequest http, StreamRequest request,
      List<String> supported) {
    List<String> offered = http.headers().getAll(PROTOCOL_HEADER).stream()
        .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
    Optional<String> chosen = offered.stream().filter(supported::contains).findFirst();
    if (chosen.isEmpty()) {
      respond(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client supports "
          + offered + ", server supports " + supported);
      return;
    }
    HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.UPGRADE, SPDY).set(PROTOCOL_HEADER, chosen.get());
    // the response is encoded as HTTP before the codec goes; what the client sends next is SPDY
    ctx.writeAndFlush(switching);
    ChannelPipeline p = ctx.pipeline();
    p.remove(HttpObjectAggregator.class);
    p.replace(HttpServerCodec.class, "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    p.addAfter("spdy-codec", "spdy-session", new SpdySessionHandler(SpdyVersion.SPDY_3_1, true));
    p.replace(this, "stream", request instanceof StreamRequest.PortForward f ? new SpdyPortForward(f)
        : new SpdyRemoteCommand(request, processes));
  }

  private void upgradeToWebSocket(ChannelHandlerContext ctx, FullHttpRequest http, StreamRequest request,
      List<String> supported) {
    String requested = http.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
    Optional<String> chosen = Arrays.stream(requested.split(",")).map(String::trim).filter(supported::contains)
        .findFirst();
    if (chosen.isEmpty()) {
      respond(ctx, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: no supported WebSocket subprotocol among ["
          + requested + "]; the server speaks " + supported);
      return;
    }
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
        "ws://" + http.headers().get(HttpHeaderNames.HOST, "localhost") + http.uri(), chosen.get(), false,
        MAX_WEBSOCKET_MESSAGE).newHandshaker(http);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    ChannelPipeline p = ctx.pipeline();
    handshaker.handshake(ctx.channel(), http).addListener(done -> {
      if (!done.isSuccess()) {
        ctx.close();
        return;
      }
      p.addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_WEBSOCKET_MESSAGE));
      p.replace(this, "stream", request instanceof StreamRequest.PortForward f ? new WebSocketPortForward(f)
          : new WebSocketRemoteCommand(request, processes, chosen.get()));
    });
  }

  private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
