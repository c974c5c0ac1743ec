package io.gitwatch.polling;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.transport.URIish;

/**
 * Which remotes a GitRepo may make Gitwatch contact: URL schemes ({@code
 * gitwatch.polling.allowed-schemes}) and networks never to connect to ({@code
 * gitwatch.polling.denied-networks}). A tenant writes {@code spec.repo}; this keeps it from
 * pointing the poller at local files, {@code git://}, cloud metadata or other internal addresses.
 */
public final class EgressPolicy {

  /** Link-local (cloud metadata on most clouds) and AWS's IPv6 metadata address. */
  public static final String DEFAULT_DENIED_NETWORKS = "169.254.0.0/16,fe80::/10,fd00:ec2::254/128";

  /** Kubernetes mode; the file store adds {@code file}. */
  public static final String CLUSTER_SCHEMES = "https,http,ssh";

  /** {@code ssh} covers the scp-like form and JGit's aliases {@code ssh+git}, {@code git+ssh}. */
  private static final Set<String> SSH_ALIASES = Set.of("ssh", "ssh+git", "git+ssh");

  private final Set<String> schemes;
  private final List<Network> denied;

  private EgressPolicy(Set<String> schemes, List<Network> denied) {
    this.schemes = schemes;
    this.denied = denied;
  }

  /**
   * @param allowedSchemes comma-separated: {@code https}, {@code http}, {@code ssh}, {@code git},
   *     {@code file}
   * @param deniedNetworks comma-separated CIDR networks
   * @throws IllegalArgumentException for an unknown scheme or a network that does not parse
   */
  public static EgressPolicy of(String allowedSchemes, String deniedNetworks) {
    Set<String> schemes = new LinkedHashSet<>();
    for (String scheme : allowedSchemes.split(",")) {
      String s = scheme.strip().toLowerCase(Locale.ROOT);
      if (s.isEmpty()) {
        continue;
      }
      if (!Set.of("https", "http", "ssh", "git", "file").contains(s)) {
        throw new IllegalArgumentException("gitwatch.polling.allowed-schemes: unknown scheme " + s);
      }
      schemes.add(s);
    }
    return new EgressPolicy(Set.copyOf(schemes), Network.parseList(deniedNetworks));
  }

  /** The default schemes of a store: {@code file} only where the GitRepos are local files too. */
  public static String defaultSchemes(boolean localStore) {
    return localStore ? CLUSTER_SCHEMES + ",file" : CLUSTER_SCHEMES;
  }

  /**
   * Every scheme, the default denied networks: for tests and tools that poll what they are told.
   */
  public static EgressPolicy permissive() {
    return of("https,http,ssh,git,file", DEFAULT_DENIED_NETWORKS);
  }

  /** {@code https}, {@code http}, {@code ssh}, {@code git} or {@code file} (also local paths). */
  static String schemeOf(URIish uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.isEmpty()) {
      // scp-like "git@host:path" has a host; a local path has none.
      return uri.getHost() != null && !uri.getHost().isBlank() ? "ssh" : "file";
    }
    return SSH_ALIASES.contains(scheme) ? "ssh" : scheme;
  }

  /**
   * @throws RemoteHeadsException reason Refused, when the scheme is not allowed
   */
  void checkScheme(URIish uri, String shown) {
    String scheme = schemeOf(uri);
    if (!schemes.contains(scheme)) {
      String what = scheme.equals("file") ? "local paths and file: URLs" : scheme + ": URLs";
      throw new RemoteHeadsException(
          FailureReason.REFUSED,
          shown
              + ": "
              + what
              + " are not polled here (gitwatch.polling.allowed-schemes allows "
              + String.join(", ", schemes.stream().sorted().toList())
              + ")");
    }
  }

  /**
   * Resolves {@code host} and refuses it when any of its addresses is denied, before anything
   * connects. A name that does not resolve is left to the connection to report (or, through a
   * proxy, to the proxy).
   *
   * @throws RemoteHeadsException reason Refused
   */
  void checkHost(String host, String shown) {
    if (denied.isEmpty() || host == null || host.isBlank()) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(unbracketed(host));
    } catch (UnknownHostException e) {
      return;
    }
    for (InetAddress address : addresses) {
      checkAddress(address, shown);
    }
  }

  /**
   * The check at connect time, on the address the socket is about to connect to.
   *
   * @throws RemoteHeadsException reason Refused
   */
  void checkAddress(InetAddress address, String shown) {
    for (Network network : denied) {
      if (network.contains(address)) {
        throw new RemoteHeadsException(
            FailureReason.REFUSED,
            shown
                + ": its address "
                + address.getHostAddress()
                + " is in the denied network "
                + network
                + " (gitwatch.polling.denied-networks); it was not contacted");
      }
    }
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  @Override
  public String toString() {
    return "EgressPolicy[schemes="
        + schemes.stream().sorted().collect(Collectors.joining(","))
        + ", denied="
        + Arrays.toString(denied.toArray())
        + "]";
  }
}
