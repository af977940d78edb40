package dev.berth.network.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsMessageTest {
  @Test
  void aQueryIsReadAndAnsweredWithItsIdQuestionAndTtl() {
    byte[] query = query(0xbeef, "Web.MyNet", DnsMessage.TYPE_A);
    DnsMessage.Query q = DnsMessage.parseQuery(query, query.length);
    assertEquals("web.mynet", q.name());
    assertEquals(DnsMessage.TYPE_A, q.type());

    ByteBuffer reply = ByteBuffer.wrap(DnsMessage.addresses(q, List.of(Ipv4.parse("a", "10.0.0.7")), 512));
    assertEquals(0xbeef, reply.getShort(0) & 0xffff);
    assertEquals(0x8180, reply.getShort(2) & 0xffff, "QR, RD echoed, RA, NOERROR");
    assertEquals(1, reply.getShort(6), "one answer");
    int answer = 12 + q.question().length;
    assertEquals(0xc00c, reply.getShort(answer) & 0xffff, "owner points at the question");
    assertEquals(600, reply.getInt(answer + 6), "Docker's TTL");
    assertEquals(10, reply.get(reply.limit() - 4));
    assertEquals(7, reply.get(reply.limit() - 1));
  }

  @Test
  void tooManyAddressesForUdpAreTruncatedWithTheFlag() {
    byte[] query = query(1, "many", DnsMessage.TYPE_A);
    DnsMessage.Query q = DnsMessage.parseQuery(query, query.length);
    List<Ipv4> ips = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      ips.add(Ipv4.parse("a", "10.0.0." + i));
    }
    byte[] reply = DnsMessage.addresses(q, ips, DnsMessage.UDP_LIMIT);
    assertTrue(reply.length <= DnsMessage.UDP_LIMIT, "fits");
    assertTrue((reply[2] & 0x02) != 0, "TC set");
  }

  @Test
  void reverseNamesAndResponsesAreToldApart() {
    assertEquals(Ipv4.parse("a", "10.89.0.2"), DnsMessage.reverseAddress("2.0.89.10.in-addr.arpa"));
    assertNull(DnsMessage.reverseAddress("2.0.89.in-addr.arpa"));
    assertNull(DnsMessage.reverseAddress("300.0.89.10.in-addr.arpa"));
    assertEquals(Ipv6.parse("a", "fd00:db8:9::3"), DnsMessage.reverseAddress6(
        "3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.0.0.0.8.b.d.0.0.0.d.f.ip6.arpa"));
    assertNull(DnsMessage.reverseAddress6("3.0.0.0.8.b.d.0.0.0.d.f.ip6.arpa"));
    assertNull(DnsMessage.reverseAddress6("3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.0.0.0.8.b.d.0.0.0.d.g.ip6.arpa"));
    byte[] query = query(1, "x", DnsMessage.TYPE_A);
    byte[] servfail = DnsMessage.rcode(DnsMessage.parseQuery(query, query.length), DnsMessage.SERVFAIL);
    assertEquals(DnsMessage.SERVFAIL, DnsMessage.responseCode(servfail, servfail.length));
    assertNull(DnsMessage.parseQuery(servfail, servfail.length), "a response is no query");
    assertEquals(-1, DnsMessage.responseCode(query, query.length));
  }

  static byte[] query(int id, String name, int type) {
    ByteBuffer b = ByteBuffer.allocate(512).putShort((short) id).putShort((short) 0x0100).putShort((short) 1)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0);
    for (String label : name.split("\\.")) {
      b.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
    }
    b.put((byte) 0).putShort((short) type).putShort((short) 1).flip();
    byte[] q = new byte[b.remaining()];
    b.get(q);
    return q;
  }
}
