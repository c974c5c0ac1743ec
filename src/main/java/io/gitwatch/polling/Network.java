package io.gitwatch.polling;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 169.254.0.0/16}, {@code fe80::/10}); a bare
 * address is a network of one. IPv4-mapped IPv6 addresses ({@code ::ffff:169.254.169.254}) are
 * compared as the IPv4 address they carry.
 */
record Network(byte[] prefix, int bits) {

  // Literal addresses only: a host name here would make parsing a DNS lookup.
  private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /**
   * @throws IllegalArgumentException when {@code text} is not a literal address with an optional
   *     prefix length
   */
  static Network parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    if (!LITERAL.matcher(address).matches()) {
      throw new IllegalArgumentException("not an IP network: " + text);
    }
    byte[] bytes;
    try {
      bytes = canonical(InetAddress.getByName(address).getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP network: " + text);
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an IP network: " + text);
      }
      if (bytes.length == 4 && address.contains(":")) {
        bits -= 96; // ::ffff:a.b.c.d/128 is a.b.c.d/32
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("prefix length out of range: " + text);
      }
    }
    return new Network(bytes, bits);
  }

  /** A comma-separated list; blank entries are skipped. */
  static List<Network> parseList(String text) {
    List<Network> networks = new ArrayList<>();
    if (text != null) {
      for (String entry : text.split(",")) {
        if (!entry.isBlank()) {
          networks.add(parse(entry));
        }
      }
    }
    return List.copyOf(networks);
  }

  boolean contains(InetAddress address) {
    byte[] candidate = canonical(address.getAddress());
    if (candidate.length != prefix.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (candidate[full] & mask) == (prefix[full] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) as the four IPv4 bytes. */
  private static byte[] canonical(byte[] address) {
    if (address.length == 16) {
      boolean mapped = address[10] == (byte) 0xff && address[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = address[i] == 0;
      }
      if (mapped) {
        return new byte[] {address[12], address[13], address[14], address[15]};
      }
    }
    return address;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Network n
        && bits == n.bits
        && java.util.Arrays.equals(prefix, n.prefix);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(prefix) + bits;
  }
}
