package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** generic-hmac: a CI system signs the raw body with the receiver's token. */
class GenericHmacTest {

  static final byte[] BODY = "{\"anything\":\"at all\"}".getBytes(StandardCharsets.UTF_8);
  static final WebhookSecret SECRET = WebhookSecret.of(Map.of("token", "ci-t0ken"));

  static Verification verify(WebhookSecret secret, String signature, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    if (signature != null) {
      headers.put("X-Signature", signature);
    }
    return GenericHmac.verify(Delivery.json(headers, body), secret);
  }

  static String sha256(String key, byte[] body) {
    return "sha256=" + SignaturesTest.hmac("HmacSHA256", key, body);
  }

  static String sha512(String key, byte[] body) {
    return "sha512=" + SignaturesTest.hmac("HmacSHA512", key, body);
  }

  @Test
  void aSha256SignatureMadeWithTheTokenVerifies() {
    assertThat(verify(SECRET, sha256("ci-t0ken", BODY), BODY).verified()).isTrue();
    assertThat(
            verify(
                    SECRET,
                    sha256("ci-t0ken", BODY).toUpperCase().replace("SHA256=", "sha256="),
                    BODY)
                .verified())
        .isTrue();
  }

  @Test
  void aSha512SignatureMadeWithTheTokenVerifies() {
    assertThat(verify(SECRET, sha512("ci-t0ken", BODY), BODY).verified()).isTrue();
  }

  @Test
  void anEmptyBodySignedWithTheTokenVerifies() {
    byte[] empty = new byte[0];
    assertThat(verify(SECRET, sha256("ci-t0ken", empty), empty).verified()).isTrue();
  }

  @Test
  void aSignatureWithAnotherKeyOrOverAnotherBodyDoesNot() {
    assertThat(verify(SECRET, sha256("other", BODY), BODY).verified()).isFalse();
    assertThat(verify(SECRET, sha512("other", BODY), BODY).verified()).isFalse();
    byte[] changed = "{\"anything\":\"else\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(verify(SECRET, sha256("ci-t0ken", BODY), changed).verified()).isFalse();
  }

  @Test
  void malformedMissingOrEmptySignaturesDoNotVerifyAndSayWhichHeader() {
    String good = sha256("ci-t0ken", BODY);
    for (String signature :
        new String[] {
          null,
          "",
          "sha256=",
          good.substring(0, good.length() - 2),
          good + "00",
          good.replace("sha256=", ""),
          good.replace("sha256=", "sha1="),
          good.replace("sha256=", "sha512="),
          "sha256=" + "zz".repeat(32),
          "sha256=" + "\u0661".repeat(64)
        }) {
      Verification v = verify(SECRET, signature, BODY);
      assertThat(v.verified()).as(String.valueOf(signature)).isFalse();
      assertThat(v.reason()).contains("X-Signature").doesNotContain("ci-t0ken");
    }
  }

  @Test
  void anyLineOfTheTokenKeyVerifies() {
    WebhookSecret rotating = WebhookSecret.of(Map.of("token", "new-t0ken\nci-t0ken\n"));
    assertThat(verify(rotating, sha256("ci-t0ken", BODY), BODY).verified()).isTrue();
    assertThat(verify(rotating, sha256("new-t0ken", BODY), BODY).verified()).isTrue();
  }

  @Test
  void anEmptyOrMissingTokenVerifiesNothing() {
    assertThat(verify(WebhookSecret.of(Map.of("token", " \n")), sha256("", BODY), BODY).verified())
        .isFalse();
    assertThat(
            verify(WebhookSecret.of(Map.of("github", "ci-t0ken")), sha256("ci-t0ken", BODY), BODY)
                .verified())
        .isFalse();
  }

  @Test
  void onlyADeliveryCarryingXSignatureIsATrigger() {
    assertThat(GenericHmac.sentBy(Delivery.json(Map.of("x-signature", ""), BODY))).isTrue();
    assertThat(GenericHmac.sentBy(Delivery.json(Map.of("X-Hub-Signature-256", "x"), BODY)))
        .isFalse();
  }
}
