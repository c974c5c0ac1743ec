package io.gitwatch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost in a PKCS#12 key store, made with the JDK's
 * own {@code keytool} (the JDK has no public API to issue certificates).
 */
public record TestCertificate(Path keyStore, String password, String pem) {

  private static final String ALIAS = "loopback";

  /** A certificate for 127.0.0.1 and localhost, in {@code directory} as {@code <name>.p12}. */
  public static TestCertificate create(Path directory, String name) {
    return create(directory, name, "ip:127.0.0.1,dns:localhost");
  }

  /**
   * A certificate for the subject alternative names {@code san} (keytool's syntax, e.g. {@code
   * dns:example.com,ip:10.0.0.1}), in {@code directory} as {@code <name>.p12}.
   */
  public static TestCertificate create(Path directory, String name, String san) {
    Path keyStore = directory.resolve(name + ".p12");
    String password = "changeit";
    keytool(
        "-genkeypair",
        "-alias",
        ALIAS,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-ext",
        "san=" + san,
        "-validity",
        "2",
        "-keystore",
        keyStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        password,
        "-keypass",
        password);
    String pem =
        keytool(
            "-exportcert",
            "-rfc",
            "-alias",
            ALIAS,
            "-keystore",
            keyStore.toString(),
            "-storepass",
            password);
    return new TestCertificate(keyStore, password, pem);
  }

  private static String keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    try {
      // keytool's output is a few lines, so reading one stream after the other cannot block.
      Process process = new ProcessBuilder(command).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output + errors);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
