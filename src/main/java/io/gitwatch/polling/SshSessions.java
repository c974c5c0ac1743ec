package io.gitwatch.polling;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * JGit SSH session factories (Apache MINA sshd) for one call: the Secret's key and known_hosts
 * only, nothing from {@code ~/.ssh}, no ssh config, no agent, public-key authentication only.
 */
final class SshSessions {

  // Never read: every file-based default below is replaced. JGit still wants a directory name.
  private static final File NO_HOME =
      new File(System.getProperty("java.io.tmpdir"), "gitwatch-ssh");

  private SshSessions() {}

  /**
   * A factory to close after the call; each session it opens starts and stops its own client. JGit
   * asks its proxy data factory about the resolved address right before it connects: that is where
   * the egress policy is checked, and where no proxy is ever chosen.
   */
  static SshdSessionFactory factory(
      Credentials credentials, KnownHosts knownHosts, EgressPolicy egress, String shown) {
    List<KeyPair> keys = keys(credentials.privateKey());
    return new SshdSessionFactoryBuilder()
        .setProxyDataFactory(
            address -> {
              if (address.getAddress() != null) {
                egress.checkAddress(address.getAddress(), shown);
              }
              return null;
            })
        .setHomeDirectory(NO_HOME)
        .setSshDirectory(NO_HOME)
        .setConfigStoreFactory((home, file, user) -> null)
        .setDefaultKeysProvider(directory -> keys)
        .setServerKeyDatabase((home, directory) -> knownHosts)
        .setPreferredAuthentications("publickey")
        .setConnectorFactory(null)
        .build(null);
  }

  private static List<KeyPair> keys(String privateKey) {
    List<KeyPair> keys = new ArrayList<>();
    try {
      Iterable<KeyPair> loaded =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName("ssh-privatekey"),
              new ByteArrayInputStream(privateKey.getBytes(StandardCharsets.UTF_8)),
              null);
      if (loaded != null) {
        loaded.forEach(keys::add);
      }
    } catch (Exception e) {
      // The parser's message might quote the key; say what is wrong without it.
      throw unreadable(e.getClass().getSimpleName());
    }
    if (keys.isEmpty()) {
      throw unreadable("no key found");
    }
    return List.copyOf(keys);
  }

  private static RemoteHeadsException unreadable(String why) {
    return new RemoteHeadsException(
        FailureReason.CREDENTIALS_UNUSABLE,
        "ssh-privatekey is not an unencrypted private key in OpenSSH or PEM format (" + why + ")");
  }
}
