/**
 * The CRI's streaming side: {@link dev.berth.cri.streaming.CriStreaming} (ExecSync, and the URLs
 * Exec, Attach and PortForward answer) over the {@link dev.berth.cri.streaming.StreamingServer},
 * which serves each URL once, upgraded to SPDY/3.1 or WebSocket. Protocol handlers
 * (SpdyRemoteCommand, WebSocketRemoteCommand, SpdyPortForward, WebSocketPortForward) meet the
 * processes through RemoteCommandSession and RemoteProcess; processes are Berth's Tasks API
 * (ExecProcess) and Attach API, ports are reached inside the sandbox's network namespace
 * (NetnsPorts). Kubernetes' protocols are followed as the kubelet's streaming server speaks them.
 *
 * <pre>{@code
 * StreamingServer server = StreamingServer.on(new InetSocketAddress("127.0.0.1", 0), api, ExitRecords::recorded);
 * server.listen(); // or at the first URL
 * String url = new CriStreaming(api, server, ExitRecords::recorded).exec("c1", List.of("sh"), true, true, true, false);
 * }</pre>
 */
package dev.berth.cri.streaming;
