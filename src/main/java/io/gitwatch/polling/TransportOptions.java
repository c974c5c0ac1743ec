package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoSpec;

/**
 * How one GitRepo's HTTPS connections are verified: its own CA bundle, or no verification at all.
 * They apply to that GitRepo's remote calls only, never to the JVM.
 *
 * @param caBundle {@code spec.caBundle}: base64 of PEM certificates, trusted in addition to the
 *     JVM's trust store (as Fleet appends it to the system pool); null when unset
 * @param insecureSkipTlsVerify {@code spec.insecureSkipTLSVerify}: trust any certificate and host
 */
public record TransportOptions(String caBundle, boolean insecureSkipTlsVerify) {

  private static final TransportOptions DEFAULTS = new TransportOptions(null, false);

  public TransportOptions {
    caBundle = caBundle == null || caBundle.isBlank() ? null : caBundle;
  }

  /** Verify certificates against the JVM's trust store. */
  public static TransportOptions defaults() {
    return DEFAULTS;
  }

  /** The options a GitRepo's spec asks for. */
  public static TransportOptions of(GitRepoSpec spec) {
    return new TransportOptions(
        spec.getCaBundle(), Boolean.TRUE.equals(spec.getInsecureSkipTLSVerify()));
  }

  @Override
  public String toString() {
    return "TransportOptions[caBundle="
        + (caBundle == null ? "none" : caBundle.length() + " chars")
        + ", insecureSkipTlsVerify="
        + insecureSkipTlsVerify
        + "]";
  }
}
