package io.gitwatch.polling;

import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * The host keys an SSH server may present, read from the credentials Secret's {@code known_hosts}
 * or Fleet's {@code known-hosts} ConfigMap instead of {@code ~/.ssh}; checking is strict (a key that is not listed is refused, nothing is
 * ever added). Plain and hashed host patterns and {@code @revoked} are honoured; {@code
 * @cert-authority} lines are ignored, so host certificates are refused.
 */
final class KnownHosts implements ServerKeyDatabase {

  private static final String REVOKED = "revoked";

  private record Line(KnownHostEntry entry, PublicKey key) {
    boolean matches(String host, int port) {
      return entry.isHostMatch(host, port);
    }

    boolean revoked() {
      return REVOKED.equals(entry.getMarker());
    }

    boolean usable() {
      return entry.getMarker() == null;
    }
  }

  private final List<Line> lines;

  /**
   * Why the last host key was refused, for the error message; sshd only says "did not validate".
   */
  private volatile RemoteHeadsException refusal;

  private KnownHosts(List<Line> lines) {
    this.lines = lines;
  }

  /** Parses {@code known_hosts} text; lines it cannot read (unknown key types) are skipped. */
  static KnownHosts parse(String text) {
    List<Line> lines = new ArrayList<>();
    if (text != null) {
      for (String line : text.split("\\R")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        try {
          KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(trimmed);
          PublicKey key =
              entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
          if (key != null) {
            lines.add(new Line(entry, key));
          }
        } catch (Exception e) {
          // Like OpenSSH: a line that cannot be read does not invalidate the others.
        }
      }
    }
    return new KnownHosts(List.copyOf(lines));
  }

  @Override
  public List<PublicKey> lookup(
      String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
    HostAndPort target = HostAndPort.parse(connectAddress);
    return lines.stream()
        .filter(Line::usable)
        .filter(line -> line.matches(target.host(), target.port()))
        .map(Line::key)
        .toList();
  }

  @Override
  public boolean accept(
      String connectAddress,
      InetSocketAddress remoteAddress,
      PublicKey serverKey,
      Configuration config,
      CredentialsProvider provider) {
    HostAndPort target = HostAndPort.parse(connectAddress);
    String key = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
    boolean listed = false;
    boolean hostKnown = false;
    for (Line line : lines) {
      if (!line.matches(target.host(), target.port())) {
        continue;
      }
      hostKnown |= line.usable();
      if (!KeyUtils.compareKeys(serverKey, line.key())) {
        continue;
      }
      if (line.revoked()) {
        refusal =
            new RemoteHeadsException(
                FailureReason.HOST_KEY_MISMATCH,
                "the host key " + key + " of " + connectAddress + " is revoked in known_hosts");
        return false;
      }
      listed |= line.usable();
    }
    if (!listed) {
      refusal =
          hostKnown
              ? new RemoteHeadsException(
                  FailureReason.HOST_KEY_MISMATCH,
                  "the host key "
                      + key
                      + " of "
                      + connectAddress
                      + " is not in known_hosts, which lists another key for this host")
              : new RemoteHeadsException(
                  FailureReason.HOST_KEY_UNKNOWN,
                  "the host key "
                      + key
                      + " of "
                      + connectAddress
                      + " is not in known_hosts, which lists no key for this host: add it to"
                      + " known_hosts in the ssh-auth Secret or in the known-hosts ConfigMap");
    }
    return listed;
  }

  /** Why the server's key was refused, or null when none was. */
  RemoteHeadsException refusal() {
    return refusal;
  }

  /** JGit's connect address: {@code host}, or {@code [host]:port} for a port other than 22. */
  private record HostAndPort(String host, int port) {
    static HostAndPort parse(String address) {
      if (address.startsWith("[")) {
        int close = address.indexOf(']');
        if (close > 0 && address.startsWith(":", close + 1)) {
          try {
            return new HostAndPort(
                address.substring(1, close), Integer.parseInt(address.substring(close + 2)));
          } catch (NumberFormatException e) {
            // fall through: treat the whole text as a host name
          }
        }
      }
      return new HostAndPort(address, 22);
    }
  }
}
