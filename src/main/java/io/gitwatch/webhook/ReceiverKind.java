package io.gitwatch.webhook;

/** Where a delivery came in, as the metrics label {@code receiver} says it. */
enum ReceiverKind {
  /** {@code POST /} or any path but a receiver URL: the payload's repository finds the GitRepos. */
  PROVIDER("provider"),
  /** A provider's delivery on a GitRepo's receiver URL {@code /hook/<digest>}. */
  HOOK("hook"),
  /** A CI system's signed trigger on a receiver URL. */
  GENERIC_HMAC("generic-hmac");

  private final String label;

  ReceiverKind(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
