package io.gitwatch.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * GitHub signature verification ({@code X-Hub-Signature-256}) against its ceiling: one HMAC-SHA256
 * of the body on a Mac that is already initialised with the key. {@link #verify} is what a delivery
 * costs once the store has handed out the Secret's data: finding its parsed secrets, then checking
 * the signature.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {

  private static final String SECRET = "it's a secret to everybody";

  @Param({"1024", "10240", "1048576"})
  public int bytes;

  private final Provider github = new GitHub(false);
  private final WebhookSecrets secrets = new WebhookSecrets();
  private final WebhookSecrets.SecretRef ref =
      new WebhookSecrets.SecretRef("cattle-fleet-system", "gitjob-webhook", false);
  private Delivery delivery;
  private Map<String, String> secret;
  private Mac mac;
  private byte[] body;

  @Setup
  public void setUp() throws GeneralSecurityException {
    body = new byte[bytes];
    Arrays.fill(body, (byte) 'x');
    body[0] = '{';
    body[bytes - 1] = '}';
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    delivery =
        Delivery.json(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", signature), body);
    secret = Map.of("github", SECRET);
    if (!verify().verified()) {
      throw new IllegalStateException("the benchmark's signature does not verify");
    }
  }

  @Benchmark
  public Verification verify() {
    return github.verify(delivery, secrets.parsed(ref, secret));
  }

  @Benchmark
  public byte[] rawMac() {
    return mac.doFinal(body);
  }
}
