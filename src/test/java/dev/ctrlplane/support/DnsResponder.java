package dev.ctrlplane.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small authoritative DNS server for tests, on a UDP port of 127.0.0.1 (a Vert.x datagram socket): it answers TXT
 * and A questions from what the test published, NXDOMAIN for names it knows nothing of, and nothing at all while
 * {@link #silent} (a resolver that does not answer). Names are compared case-insensitively, without the trailing dot.
 */
public final class DnsResponder implements AutoCloseable {

  private static final int TYPE_A = 1;
  private static final int TYPE_TXT = 16;

  private final Vertx vertx = Vertx.vertx();
  private final DatagramSocket socket;
  private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
  private final Map<String, String> a = new ConcurrentHashMap<>();
  private final AtomicInteger questions = new AtomicInteger();
  private volatile boolean silent;

  private DnsResponder() {
    socket = vertx.createDatagramSocket();
    socket.handler(this::answer);
    Futures.await(socket.listen(0, "127.0.0.1"));
  }

  public static DnsResponder start() {
    return new DnsResponder();
  }

  public int port() {
    return socket.localAddress().port();
  }

  /** {@code host:port}, as {@code dns.servers} takes it. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  public void publishTxt(String name, String value) {
    txt.computeIfAbsent(normal(name), n -> new CopyOnWriteArrayList<>()).add(value);
  }

  public void removeTxt(String name) {
    txt.remove(normal(name));
  }

  public void publishA(String name, String ipv4) {
    a.put(normal(name), ipv4);
  }

  /** While true, questions are read and dropped: the resolver times out. */
  public void silent(boolean on) {
    silent = on;
  }

  public int questionsSeen() {
    return questions.get();
  }

  private void answer(DatagramPacket packet) {
    questions.incrementAndGet();
    if (silent) {
      return;
    }
    try {
      Buffer query = packet.data();
      int position = 12;
      StringBuilder name = new StringBuilder();
      for (int length = query.getUnsignedByte(position); length != 0; length = query.getUnsignedByte(position)) {
        if (!name.isEmpty()) {
          name.append('.');
        }
        name.append(query.getString(position + 1, position + 1 + length, "US-ASCII"));
        position += 1 + length;
      }
      position += 1;
      int type = query.getUnsignedShort(position);
      int questionEnd = position + 4;
      String qname = normal(name.toString());
      List<byte[]> records = records(qname, type);
      boolean known = txt.containsKey(qname) || a.containsKey(qname);
      Buffer reply = Buffer.buffer();
      reply.appendShort(query.getShort(0));
      int flags = 0x8000 | 0x0400 | (query.getUnsignedShort(2) & 0x0100) | 0x0080 | (known ? 0 : 3);
      reply.appendUnsignedShort(flags);
      reply.appendUnsignedShort(1).appendUnsignedShort(records.size()).appendUnsignedShort(0).appendUnsignedShort(0);
      reply.appendBuffer(query.getBuffer(12, questionEnd));
      for (byte[] rdata : records) {
        reply.appendUnsignedShort(0xC00C).appendUnsignedShort(type).appendUnsignedShort(1).appendInt(0)
            .appendUnsignedShort(rdata.length).appendBytes(rdata);
      }
      socket.send(reply, packet.sender().port(), packet.sender().host());
    } catch (RuntimeException malformed) {
      // a question this responder cannot read goes unanswered
    }
  }

  private List<byte[]> records(String name, int type) {
    if (type == TYPE_TXT) {
      return txt.getOrDefault(name, List.of()).stream().map(value -> {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] rdata = new byte[bytes.length + 1];
        rdata[0] = (byte) bytes.length;
        System.arraycopy(bytes, 0, rdata, 1, bytes.length);
        return rdata;
      }).toList();
    }
    if (type == TYPE_A && a.containsKey(name)) {
      String[] parts = a.get(name).split("\\.");
      byte[] rdata = new byte[4];
      for (int i = 0; i < 4; i++) {
        rdata[i] = (byte) Integer.parseInt(parts[i]);
      }
      return List.of(rdata);
    }
    return List.of();
  }

  private static String normal(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  @Override
  public void close() {
    Futures.await(vertx.close());
  }
}
