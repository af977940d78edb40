package dev.berth.api.network;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** An Ethernet address a container's interface is given, as six colon-separated hex pairs. */
public record MacAddress(byte[] bytes) {
  private static final Pattern FORM = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

  /**
   * Parses {@code 02:42:ac:11:00:02} (either case), refusing with INVALID_ARGUMENT anything else
   * and a multicast address (lowest bit of the first octet set), which no interface may have.
   */
  public static MacAddress parse(String text) {
    if (!FORM.matcher(text).matches()) {
      throw Errors.invalidArgument("%s is not a valid MAC address: six hex pairs separated by colons, like"
          + " 02:42:ac:11:00:02", Identifiers.printable(text));
    }
    byte[] bytes = COLONS.parseHex(text.toLowerCase(Locale.ROOT));
    if ((bytes[0] & 1) != 0) {
      throw Errors.invalidArgument("MAC address %s is a multicast address; an interface needs a unicast one", text);
    }
    return new MacAddress(bytes);
  }

  /**
   * The address Docker 27's bridge driver gives an interface asked for none: 02:42 (locally
   * administered, unicast) and the four bytes of its IPv4 address, so 10.89.0.2 is
   * {@code 02:42:0a:59:00:02}.
   */
  public static MacAddress of(Ipv4 address) {
    byte[] ip = address.bytes();
    return new MacAddress(new byte[] {0x02, 0x42, ip[0], ip[1], ip[2], ip[3]});
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return COLONS.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
