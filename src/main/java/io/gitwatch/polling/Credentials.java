package io.gitwatch.polling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How Gitwatch authenticates to a git remote: not at all, with HTTP basic auth (a GitHub App's
 * installation token too), or with an SSH key; built from the GitRepo's credentials Secret. {@link
 * #toString()} shows no secret.
 *
 * @param kind which of the three
 * @param username the basic-auth user (for a token-only Secret, the token)
 * @param password the basic-auth password, empty for a token-only Secret
 * @param privateKey the SSH private key, OpenSSH or PEM, unencrypted
 * @param knownHosts the SSH host keys the server must present, in {@code known_hosts} format; null
 *     when neither the Secret nor Fleet's {@code known-hosts} ConfigMap has any, and then every
 *     host key is refused
 */
public record Credentials(
    Kind kind, String username, String password, String privateKey, String knownHosts) {

  /** The kinds of authentication. */
  public enum Kind {
    NONE,
    BASIC,
    SSH
  }

  static final String BASIC_AUTH = "kubernetes.io/basic-auth";
  static final String SSH_AUTH = "kubernetes.io/ssh-auth";

  private static final Credentials NONE = new Credentials(Kind.NONE, null, null, null, null);

  public Credentials {
    if (kind == null) {
      throw new IllegalArgumentException("kind is required");
    }
    if (kind == Kind.BASIC && (username == null || password == null)) {
      throw new IllegalArgumentException("basic credentials need a username and a password");
    }
    if (kind == Kind.SSH && (privateKey == null || privateKey.isBlank())) {
      throw new IllegalArgumentException("SSH credentials need a private key");
    }
  }

  /** Anonymous access. */
  public static Credentials none() {
    return NONE;
  }

  /**
   * HTTP basic auth. An empty username with a password is a token-only Secret: the token is sent as
   * the username with an empty password, as Fleet does.
   */
  public static Credentials basic(String username, String password) {
    String user = username == null ? "" : username;
    String pass = password == null ? "" : password;
    if (user.isEmpty() && pass.isEmpty()) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNUSABLE,
          "the basic-auth Secret has neither a username nor a password");
    }
    if (user.isEmpty()) {
      return new Credentials(Kind.BASIC, pass, "", null, null);
    }
    return new Credentials(Kind.BASIC, user, pass, null, null);
  }

  /** These credentials with {@code knownHosts} instead of the Secret's (none). */
  Credentials withKnownHosts(String knownHosts) {
    return ssh(privateKey, knownHosts);
  }

  /** An SSH private key and, optionally, the {@code known_hosts} lines the server must match. */
  public static Credentials ssh(String privateKey, String knownHosts) {
    if (privateKey == null || privateKey.isBlank()) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNUSABLE, "the ssh-auth Secret has no ssh-privatekey");
    }
    return new Credentials(
        Kind.SSH,
        null,
        null,
        privateKey,
        knownHosts == null || knownHosts.isBlank() ? null : knownHosts);
  }

  /**
   * The credentials a Secret holds, from its type and decoded data, used only as the type says:
   * {@code kubernetes.io/basic-auth} ({@code username}, {@code password}) or {@code
   * kubernetes.io/ssh-auth} ({@code ssh-privatekey}, optional {@code known_hosts}). A Secret of any
   * other type is no git credential (it may be anything a tenant can name): refused, never sent.
   * GitHub App Secrets are exchanged for a token elsewhere ({@link GitHubAppTokens}).
   *
   * @param name the Secret's name, for messages
   * @throws RemoteHeadsException reason CredentialsUnusable, when the Secret holds no usable
   *     credentials for its type
   */
  public static Credentials fromSecret(String name, String type, Map<String, String> data) {
    Map<String, String> keys = data == null ? Map.of() : data;
    if (BASIC_AUTH.equals(type)) {
      return basic(keys.get("username"), keys.get("password"));
    }
    if (SSH_AUTH.equals(type)) {
      return ssh(keys.get("ssh-privatekey"), keys.get("known_hosts"));
    }
    throw new RemoteHeadsException(
        FailureReason.CREDENTIALS_UNUSABLE,
        "the credentials Secret "
            + (name.isEmpty() ? "" : name + " ")
            + "is of type "
            + (type == null ? "Opaque" : type)
            + ": Gitwatch sends credentials only from a "
            + BASIC_AUTH
            + " Secret (username, password), a "
            + SSH_AUTH
            + " Secret (ssh-privatekey) or a GitHub App Secret (github_app_id,"
            + " github_app_installation_id, github_app_private_key)");
  }

  /** As {@link #fromSecret(String, String, Map)}, for a Secret whose name need not be shown. */
  public static Credentials fromSecret(String type, Map<String, String> data) {
    return fromSecret("", type, data);
  }

  /** The values that must never appear in a message. */
  List<String> secrets() {
    List<String> secrets = new ArrayList<>();
    if (kind == Kind.BASIC) {
      secrets.add(password);
      if (password.isEmpty()) {
        secrets.add(username); // the token of a token-only Secret
      }
    }
    if (kind == Kind.SSH) {
      secrets.add(privateKey);
    }
    secrets.removeIf(String::isEmpty);
    return secrets;
  }

  @Override
  public String toString() {
    return "Credentials[" + kind + "]";
  }
}
