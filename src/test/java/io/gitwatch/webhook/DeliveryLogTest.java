package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {

  @Test
  void valuesFromTheRequestCannotBreakOrForgeALogLine() {
    DeliveryLog log = new DeliveryLog();
    log.provider = new GitHub(false);
    log.event = "push\n[11/30/26] I webhook provider=github status=200";
    log.deliveryId = "id\r\u001b[31mred\u0000";
    log.push =
        new Push(
            log.provider,
            log.event,
            log.deliveryId,
            List.of("https://github.com/acme/\u202eevil\u2028repo"),
            List.of(new RefUpdate("refs/heads/main\u0085\u200b", "a".repeat(40))),
            "main");

    String line = log.line("202 event 'push\n' is not used");

    assertThat(line.codePoints())
        .noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)
        .noneMatch(c -> c == '\u2028' || c == '\u2029');
    assertThat(line)
        .contains("event=push\\u000a[11/30/26] I webhook")
        .contains("delivery=id\\u000d\\u001b[31mred\\u0000")
        .contains("repo=github.com/acme/\\u202eevil\\u2028repo")
        .contains("refs=refs/heads/main\\u0085\\u200b@" + "a".repeat(40))
        .endsWith("status=202 event 'push\\u000a' is not used");
  }

  @Test
  void printableTextStaysAsItIsAndABackslashIsDoubled() {
    assertThat(DeliveryLog.escape("feature/ünïcode-日本-\uD83D\uDE80 a\\u000a"))
        .isEqualTo("feature/ünïcode-日本-\uD83D\uDE80 a\\\\u000a");
    assertThat(DeliveryLog.escape("lone \uD83D surrogate")).isEqualTo("lone \\ud83d surrogate");
    assertThat(DeliveryLog.escape(null)).isEqualTo("null");
  }

  @Test
  void aLongValueIsCutAndSaysByHowMuch() {
    assertThat(DeliveryLog.escape("r".repeat(300))).isEqualTo("r".repeat(256) + "...(44 more)");
  }
}
