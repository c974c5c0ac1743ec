package io.gitwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's client tools as a user runs them: {@code ssh-keygen} for key pairs in files, {@code
 * ssh-keyscan} for {@code known_hosts} lines.
 */
final class SshTools {

  private SshTools() {}

  /** Whether {@code ssh-keygen} (and so, in every package, {@code ssh-keyscan}) can be run. */
  static boolean installed() {
    try {
      Process process = new ProcessBuilder("ssh-keygen", "-?").redirectErrorStream(true).start();
      process.getOutputStream().close();
      process.getInputStream().readAllBytes(); // its usage text; the exit status does not matter
      process.waitFor(60, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code ssh-keygen -t <type> <extraArguments> -f <file>} without passphrase: the private key in
   * {@code file}, the public one in {@code file.pub}; returns {@code file}.
   */
  static Path keyPair(Path file, String type, String... extraArguments) {
    List<String> command =
        new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "gitwatch-test"));
    if (type.equals("rsa")) {
      command.addAll(List.of("-b", "2048")); // the default 3072 bits take seconds on shared cores
    }
    command.addAll(List.of(extraArguments));
    command.addAll(List.of("-f", file.toString()));
    run(command);
    return file;
  }

  /**
   * What {@code ssh-keyscan -p <port> [-H] 127.0.0.1} prints: the server's host keys as {@code
   * known_hosts} lines, host names hashed with {@code -H}.
   */
  static String keyscan(int port, boolean hashed) {
    List<String> command = new ArrayList<>(List.of("ssh-keyscan", "-p", Integer.toString(port)));
    if (hashed) {
      command.add("-H");
    }
    command.add("127.0.0.1");
    return run(command);
  }

  /** The public half of the key pair in {@code privateKey}: {@code <type> <base64>}. */
  static String publicKey(Path privateKey) {
    try {
      String[] fields = Files.readString(Path.of(privateKey + ".pub")).strip().split(" ");
      return fields[0] + " " + fields[1];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command to its end; its standard output (standard error is discarded). */
  private static String run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }
}
