package dev.berth.network.dns;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Ipv4;
import dev.berth.linux.ErrnoException;
import dev.berth.network.linux.Netns;
import dev.berth.network.linux.Nftables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Docker's embedded DNS server: 127.0.0.11 in each container whose resolv.conf names it. Every
 * container has three sockets of its own, made in its network namespace (a UDP and a TCP
 * listener on 127.0.0.11 at ephemeral ports, which {@link ResolverRules} put behind port 53, and
 * a UDP socket that forwards to its external servers); all of them are served by one selector
 * thread, whatever the number of containers. A query that came over TCP is forwarded over a TCP
 * connection of its own, as Docker's are. Names of peers are answered from {@link PeerNames};
 * anything else goes to the container's external servers in turn (SERVFAIL and REFUSED answers
 * and silence move on to the next, as in Docker), and SERVFAIL comes back when none answered.
 */
public final class EmbeddedDns implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDns.class.getName());
  /** Docker's extIOTimeout: how long one external server has to answer. */
  private static final long FORWARD_TIMEOUT = TimeUnit.SECONDS.toNanos(4);
  /** A TCP client that sends nothing for this long is hung up on. */
  private static final long TCP_IDLE = TimeUnit.SECONDS.toNanos(10);
  private static final long SWEEP_MILLIS = 250;
  private static final int MAX_MESSAGE = 65535;
  private static final InetAddress RESOLVER_ADDRESS = address(ResolverRules.ADDRESS);

  private final Selector selector;
  private final Thread thread;
  private final Forwarder hostForwarder;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Set<TcpUpstream> tcpForwards = new HashSet<>();
  private final ByteBuffer receive = ByteBuffer.allocate(MAX_MESSAGE);
  private volatile PeerNames names = PeerNames.EMPTY;
  private volatile boolean closed;

  private EmbeddedDns(Selector selector, Forwarder hostForwarder) {
    this.selector = selector;
    this.hostForwarder = hostForwarder;
    this.thread = new Thread(this::loop, "berth-dns");
    thread.setDaemon(true);
  }

  /** Starts the selector thread, and the socket that asks external servers from berthd's namespace. */
  public static EmbeddedDns start() throws IOException {
    Selector selector = Selector.open();
    DatagramChannel host = DatagramChannel.open(StandardProtocolFamily.INET);
    host.configureBlocking(false);
    EmbeddedDns dns = new EmbeddedDns(selector, new Forwarder(host));
    host.register(selector, SelectionKey.OP_READ, dns.hostForwarder);
    dns.thread.start();
    return dns;
  }

  /** Replaces the names answered: those of {@code attachments} on the {@code userDefined} networks. */
  public void names(List<AttachmentInfo> attachments, Set<String> userDefined) {
    names = PeerNames.of(attachments, userDefined);
  }

  /** Whether a resolver serves the container. */
  public boolean serves(String namespace, String containerId) {
    return endpoints.containsKey(PeerNames.key(namespace, containerId));
  }

  /**
   * Opens the container's resolver in {@code netns}, forwarding to {@code servers}, and points
   * 127.0.0.11:53 at it; a resolver it had already is replaced (the rules move in one step).
   * {@code ndotsSet}: the container's ndots came from the host or the user, so single-label names
   * nobody answered locally are not forwarded (Docker's rule, letting the client try its search list).
   */
  public void open(String namespace, String containerId, Path netns, List<ExternalServer> servers,
      boolean ndotsSet) throws IOException {
    String key = PeerNames.key(namespace, containerId);
    Endpoint endpoint = Netns.callIn(netns, () -> {
      Endpoint e = Endpoint.open(key, netns, servers, ndotsSet);
      try (Nftables nft = Nftables.open()) {
        nft.run(ResolverRules.render(e.udpPort(), e.tcpPort()));
      } catch (IOException | RuntimeException ex) {
        e.closeSockets();
        throw ex;
      }
      return e;
    });
    Endpoint old = endpoints.put(key, endpoint);
    onLoop(() -> {
      if (old != null) {
        old.closeSockets();
      }
      endpoint.register(selector);
    });
  }

  /**
   * Closes the container's resolver and, if its namespace still exists (one the caller gave and
   * keeps), takes its rules out. Nothing to do if it has none.
   */
  public void close(String namespace, String containerId) {
    Endpoint endpoint = endpoints.remove(PeerNames.key(namespace, containerId));
    if (endpoint == null) {
      return;
    }
    try {
      onLoop(endpoint::closeSockets);
    } catch (IOException e) {
      LOG.warning("closing the DNS resolver of " + endpoint.key + ": " + e.getMessage());
    }
    try {
      Netns.callIn(endpoint.netns, () -> {
        try (Nftables nft = Nftables.open()) {
          return nft.run("add table " + ResolverRules.TABLE + "\ndelete table " + ResolverRules.TABLE + "\n");
        }
      });
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.EINVAL) {
        LOG.warning("removing the DNS rules of " + endpoint.key + ": " + e.getMessage());
      }
    } catch (IOException e) {
      LOG.warning("removing the DNS rules of " + endpoint.key + ": " + e.getMessage());
    }
  }

  /** The number of containers served, for tests that look for leaks. */
  public int served() {
    return endpoints.size();
  }

  /** Stops the thread and closes every socket; the rules stay, for the next start to repoint. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    endpoints.values().forEach(Endpoint::closeSockets);
    endpoints.clear();
    hostForwarder.close();
    try {
      selector.close();
    } catch (IOException e) {
      LOG.warning("closing the DNS selector: " + e.getMessage());
    }
  }

  /** Runs {@code work} on the selector thread and waits for it. */
  private void onLoop(IoWork work) throws IOException {
    if (closed) {
      throw new IOException("the DNS resolver is closed");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    tasks.add(() -> {
      try {
        work.run();
        done.complete(null);
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    selector.wakeup();
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the DNS thread", e);
    } catch (TimeoutException e) {
      throw new IOException("the DNS thread did not answer within 10s", e);
    }
  }

  private interface IoWork {
    void run() throws IOException;
  }

  // ---- the selector thread ----

  private void loop() {
    long nextSweep = System.nanoTime();
    while (!closed) {
      try {
        selector.select(SWEEP_MILLIS);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          handle(key);
        }
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          sweep(now);
          nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "DNS resolver loop: " + e.getMessage(), e);
      }
    }
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
  }

  private void handle(SelectionKey key) {
    Object owner = key.attachment();
    try {
      if (!key.isValid()) {
        return;
      }
      if (owner instanceof Listener l) {
        if (l.tcp) {
          acceptTcp(l.endpoint);
        } else {
          readUdp(l.endpoint);
        }
      } else if (owner instanceof Forwarder f) {
        readForwarded(f);
      } else if (owner instanceof TcpUpstream u) {
        byte[] answer = u.progress(key);
        if (answer != null) {
          tcpForwards.remove(u);
          u.close();
          relay(u.pending, answer);
        }
      } else if (owner instanceof TcpClient c) {
        if (key.isReadable()) {
          c.read(this);
        }
        if (key.isValid() && key.isWritable()) {
          c.flush();
        }
      }
    } catch (IOException e) {
      if (owner instanceof TcpClient c) {
        c.close();
      } else if (owner instanceof TcpUpstream u) {
        tcpForwards.remove(u);
        u.close();
        forward(u.pending, u.pending.server + 1);
      } else {
        LOG.fine("DNS socket: " + e.getMessage());
      }
    }
  }

  private void readUdp(Endpoint e) throws IOException {
    while (true) {
      receive.clear();
      SocketAddress from = e.udp.receive(receive);
      if (from == null) {
        return;
      }
      byte[] message = new byte[receive.position()];
      receive.flip().get(message);
      answer(e, message, new UdpClient(e.udp, from), DnsMessage.UDP_LIMIT);
    }
  }

  private void acceptTcp(Endpoint e) throws IOException {
    SocketChannel c;
    while ((c = e.tcp.accept()) != null) {
      c.configureBlocking(false);
      TcpClient client = new TcpClient(e, c);
      client.key = c.register(selector, SelectionKey.OP_READ, client);
      e.clients.add(client);
    }
  }

  /** Answers a query from the names, or forwards it. */
  void answer(Endpoint e, byte[] message, Client client, int limit) {
    DnsMessage.Query q = DnsMessage.parseQuery(message, message.length);
    if (q == null) {
      return; // Docker's resolver ignores what has no question
    }
    byte[] reply = local(e.key, q, limit);
    if (reply != null) {
      client.send(reply);
      return;
    }
    if (e.ndotsSet && (q.type() == DnsMessage.TYPE_A || q.type() == DnsMessage.TYPE_AAAA)
        && !q.name().contains(".")) {
      client.send(DnsMessage.addresses(q, List.of(), limit));
      return;
    }
    forward(new Pending(e, q, message, client), 0);
  }

  private byte[] local(String asker, DnsMessage.Query q, int limit) {
    PeerNames snapshot = names;
    switch (q.type()) {
      case DnsMessage.TYPE_A, DnsMessage.TYPE_AAAA, DnsMessage.TYPE_MX -> {
        List<Ipv4> found = snapshot.lookup(asker, q.name());
        if (found.isEmpty()) {
          return null;
        }
        if (q.type() != DnsMessage.TYPE_A) {
          // a known name without IPv6 addresses, or an "implicit MX": NOERROR without answers, as Docker
          return DnsMessage.addresses(q, List.of(), limit);
        }
        List<Ipv4> shuffled = new ArrayList<>(found);
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return DnsMessage.addresses(q, shuffled, limit);
      }
      case DnsMessage.TYPE_PTR -> {
        Ipv4 ip = DnsMessage.reverseAddress(q.name());
        String name = ip == null ? null : snapshot.pointer(asker, ip);
        return name == null ? null : DnsMessage.pointer(q, name);
      }
      default -> {
        return null;
      }
    }
  }

  /** Sends {@code p} to its endpoint's external server {@code index}, or SERVFAIL once none is left. */
  private void forward(Pending p, int index) {
    List<ExternalServer> servers = p.endpoint.servers;
    for (int i = index; i < servers.size(); i++) {
      ExternalServer server = servers.get(i);
      if (p.client instanceof TcpClient) {
        try {
          connectTcp(p, server);
        } catch (IOException ex) {
          LOG.fine("forwarding over TCP to " + server + ": " + ex.getMessage());
          continue;
        }
        p.server = i;
        p.deadline = System.nanoTime() + FORWARD_TIMEOUT;
        return;
      }
      Forwarder via = server.inHost() ? hostForwarder : p.endpoint.forwarder;
      InetSocketAddress to = new InetSocketAddress(address(server.address()), 53);
      int id = via.freeId();
      byte[] out = p.query.clone();
      DnsMessage.setId(out, id);
      try {
        via.channel.send(ByteBuffer.wrap(out), to);
      } catch (IOException ex) {
        LOG.fine("forwarding to " + server + ": " + ex.getMessage());
        continue;
      }
      p.server = i;
      p.to = to;
      p.id = id;
      p.deadline = System.nanoTime() + FORWARD_TIMEOUT;
      via.pending.put(id, p);
      return;
    }
    p.client.send(DnsMessage.rcode(p.question, DnsMessage.SERVFAIL));
  }

  /**
   * Opens a TCP connection to {@code server} for {@code p}: from berthd's namespace (this thread's)
   * or, made by a short-lived thread there, from the container's.
   */
  private void connectTcp(Pending p, ExternalServer server) throws IOException {
    SocketChannel c = server.inHost() ? SocketChannel.open(StandardProtocolFamily.INET)
        : Netns.callIn(p.endpoint.netns, () -> SocketChannel.open(StandardProtocolFamily.INET));
    try {
      c.configureBlocking(false);
      TcpUpstream u = new TcpUpstream(p, c);
      boolean connected = c.connect(new InetSocketAddress(address(server.address()), 53));
      c.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, u);
      tcpForwards.add(u);
    } catch (IOException | RuntimeException e) {
      quietly(c);
      throw e;
    }
  }

  /** Relays an external server's answer, or asks the next server after a SERVFAIL or REFUSED. */
  private void relay(Pending p, byte[] answer) {
    int rcode = DnsMessage.responseCode(answer, answer.length);
    if (rcode < 0 || rcode == DnsMessage.SERVFAIL || rcode == DnsMessage.REFUSED) {
      forward(p, p.server + 1);
      return;
    }
    DnsMessage.setId(answer, p.question.id());
    p.client.send(answer);
  }

  private void readForwarded(Forwarder f) throws IOException {
    while (true) {
      receive.clear();
      SocketAddress from = f.channel.receive(receive);
      if (from == null) {
        return;
      }
      byte[] message = new byte[receive.position()];
      receive.flip().get(message);
      int rcode = DnsMessage.responseCode(message, message.length);
      Pending p = rcode < 0 ? null : f.pending.get(DnsMessage.id(message));
      if (p == null || !p.to.equals(from)) {
        continue; // late, spoofed or not a response
      }
      f.pending.remove(p.id);
      relay(p, message);
    }
  }

  private void sweep(long now) {
    for (Forwarder f : forwarders()) {
      for (Pending p : List.copyOf(f.pending.values())) {
        if (now - p.deadline > 0) {
          f.pending.remove(p.id);
          if (p.endpoint.open) {
            forward(p, p.server + 1);
          }
        }
      }
    }
    for (TcpUpstream u : List.copyOf(tcpForwards)) {
      if (now - u.pending.deadline > 0) {
        tcpForwards.remove(u);
        u.close();
        if (u.pending.endpoint.open) {
          forward(u.pending, u.pending.server + 1);
        }
      }
    }
    for (Endpoint e : endpoints.values()) {
      for (TcpClient c : List.copyOf(e.clients)) {
        if (now - c.lastActive > TCP_IDLE) {
          c.close();
        }
      }
    }
  }

  private List<Forwarder> forwarders() {
    List<Forwarder> all = new ArrayList<>();
    all.add(hostForwarder);
    endpoints.values().forEach(e -> all.add(e.forwarder));
    return all;
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text); // a literal address: no lookup happens
    } catch (IOException e) {
      throw new IllegalArgumentException(text + " is no address", e);
    }
  }

  // ---- what the thread serves ----

  /** One container's sockets. */
  static final class Endpoint {
    final String key;
    final Path netns;
    final List<ExternalServer> servers;
    final boolean ndotsSet;
    final DatagramChannel udp;
    final ServerSocketChannel tcp;
    final Forwarder forwarder;
    final List<TcpClient> clients = new ArrayList<>(0);
    boolean open = true;

    private Endpoint(String key, Path netns, List<ExternalServer> servers, boolean ndotsSet, DatagramChannel udp,
        ServerSocketChannel tcp, Forwarder forwarder) {
      this.key = key;
      this.netns = netns;
      this.servers = List.copyOf(servers);
      this.ndotsSet = ndotsSet;
      this.udp = udp;
      this.tcp = tcp;
      this.forwarder = forwarder;
    }

    /** Opens the sockets; on a thread inside the container's namespace, where they then belong. */
    static Endpoint open(String key, Path netns, List<ExternalServer> servers, boolean ndotsSet)
        throws IOException {
      DatagramChannel udp = null;
      ServerSocketChannel tcp = null;
      DatagramChannel out = null;
      try {
        udp = DatagramChannel.open(StandardProtocolFamily.INET);
        udp.bind(new InetSocketAddress(RESOLVER_ADDRESS, 0));
        udp.configureBlocking(false);
        tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
        tcp.bind(new InetSocketAddress(RESOLVER_ADDRESS, 0), 16);
        tcp.configureBlocking(false);
        out = DatagramChannel.open(StandardProtocolFamily.INET);
        out.configureBlocking(false);
        return new Endpoint(key, netns, servers, ndotsSet, udp, tcp, new Forwarder(out));
      } catch (IOException | RuntimeException e) {
        for (Channel c : new Channel[] {udp, tcp, out}) {
          if (c != null) {
            c.close();
          }
        }
        throw e;
      }
    }

    int udpPort() throws IOException {
      return ((InetSocketAddress) udp.getLocalAddress()).getPort();
    }

    int tcpPort() throws IOException {
      return ((InetSocketAddress) tcp.getLocalAddress()).getPort();
    }

    void register(Selector selector) throws ClosedChannelException {
      udp.register(selector, SelectionKey.OP_READ, new Listener(this, false));
      tcp.register(selector, SelectionKey.OP_ACCEPT, new Listener(this, true));
      forwarder.channel.register(selector, SelectionKey.OP_READ, forwarder);
    }

    void closeSockets() {
      open = false;
      List.copyOf(clients).forEach(TcpClient::close);
      quietly(udp);
      quietly(tcp);
      forwarder.close();
    }
  }

  private record Listener(Endpoint endpoint, boolean tcp) {}

  /** A socket that asks external servers, and the queries it is waiting on, by the id it gave them. */
  private static final class Forwarder {
    final DatagramChannel channel;
    final Map<Integer, Pending> pending = new HashMap<>(4);

    Forwarder(DatagramChannel channel) {
      this.channel = channel;
    }

    /** A random id no pending query has, so that answers cannot be guessed. */
    int freeId() {
      int id;
      do {
        id = ThreadLocalRandom.current().nextInt(0x10000);
      } while (pending.containsKey(id));
      return id;
    }

    void close() {
      pending.clear();
      quietly(channel);
    }
  }

  /** A forwarded query. */
  private static final class Pending {
    final Endpoint endpoint;
    final DnsMessage.Query question;
    final byte[] query;
    final Client client;
    int server;
    int id;
    InetSocketAddress to;
    long deadline;

    Pending(Endpoint endpoint, DnsMessage.Query question, byte[] query, Client client) {
      this.endpoint = endpoint;
      this.question = question;
      this.query = query;
      this.client = client;
    }
  }

  /** Where an answer goes. */
  interface Client {
    void send(byte[] message);
  }

  private record UdpClient(DatagramChannel channel, SocketAddress to) implements Client {
    @Override
    public void send(byte[] message) {
      try {
        channel.send(ByteBuffer.wrap(message), to);
      } catch (IOException e) {
        LOG.fine("answering " + to + ": " + e.getMessage());
      }
    }
  }

  /** A TCP connection: queries and answers each behind a two-byte length (RFC 1035 4.2.2). */
  private static final class TcpClient implements Client {
    final Endpoint endpoint;
    final SocketChannel channel;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(1);
    ByteBuffer in = ByteBuffer.allocate(512);
    SelectionKey key;
    long lastActive = System.nanoTime();

    TcpClient(Endpoint endpoint, SocketChannel channel) {
      this.endpoint = endpoint;
      this.channel = channel;
    }

    void read(EmbeddedDns dns) throws IOException {
      if (channel.read(in) < 0) {
        close();
        return;
      }
      lastActive = System.nanoTime();
      while (in.position() >= 2) {
        int length = ((in.get(0) & 0xff) << 8) | (in.get(1) & 0xff);
        if (in.capacity() < length + 2) {
          ByteBuffer bigger = ByteBuffer.allocate(length + 2);
          in.flip();
          bigger.put(in);
          in = bigger;
          return;
        }
        if (in.position() < length + 2) {
          return;
        }
        byte[] message = new byte[length];
        in.flip();
        in.position(2);
        in.get(message);
        in.compact();
        dns.answer(endpoint, message, this, MAX_MESSAGE);
      }
    }

    @Override
    public void send(byte[] message) {
      if (!channel.isOpen()) {
        return;
      }
      ByteBuffer framed = ByteBuffer.allocate(message.length + 2);
      framed.putShort((short) message.length).put(message).flip();
      out.add(framed);
      try {
        flush();
      } catch (IOException e) {
        close();
      }
    }

    void flush() throws IOException {
      while (!out.isEmpty()) {
        channel.write(out.peek());
        if (out.peek().hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        out.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    void close() {
      endpoint.clients.remove(this);
      quietly(channel);
    }
  }

  /** A query forwarded over a TCP connection of its own, which ends with the answer. */
  private static final class TcpUpstream {
    final Pending pending;
    final SocketChannel channel;
    final ByteBuffer out;
    ByteBuffer in = ByteBuffer.allocate(2);

    TcpUpstream(Pending pending, SocketChannel channel) {
      this.pending = pending;
      this.channel = channel;
      this.out = ByteBuffer.allocate(pending.query.length + 2);
      out.putShort((short) pending.query.length).put(pending.query).flip();
    }

    /** Connects, writes the query, reads the answer; the answer once it is whole, else null. */
    byte[] progress(SelectionKey key) throws IOException {
      if (key.isConnectable()) {
        channel.finishConnect();
        key.interestOps(SelectionKey.OP_WRITE);
        return null;
      }
      if (key.isWritable()) {
        channel.write(out);
        if (!out.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ);
        }
        return null;
      }
      if (channel.read(in) < 0) {
        throw new IOException("the server closed the connection before answering");
      }
      if (in.capacity() == 2 && !in.hasRemaining()) {
        in = ByteBuffer.allocate(((in.get(0) & 0xff) << 8) | (in.get(1) & 0xff));
        channel.read(in);
      }
      return in.capacity() != 2 && !in.hasRemaining() ? in.array() : null;
    }

    void close() {
      quietly(channel);
    }
  }

  private static void quietly(Channel c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.fine("closing a DNS socket: " + e.getMessage());
    }
  }
}
