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

  /** A factory to close after the call; each session it opens starts and stops its own client. */
  static SshdSessionFactory factory(Credentials credentials, KnownHosts knownHosts) {
    List<KeyPair> keys = keys(credentials.privateKey());
    return new SshdSessionFactoryBuilder()
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
        "ssh-privatekey is not an unencrypted private key in OpenSSH or PEM format (" + why + ")");
  }
}
