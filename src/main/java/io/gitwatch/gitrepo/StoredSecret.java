package io.gitwatch.gitrepo;

import java.util.Map;

/**
 * A Secret as a store holds it: its type, which says what its keys are for, and its data decoded to
 * UTF-8 strings. {@link #toString()} shows the keys, never a value.
 *
 * @param type e.g. {@code kubernetes.io/basic-auth}; {@code Opaque} when the Secret names none
 */
public record StoredSecret(String type, Map<String, String> data) {

  public static final String OPAQUE = "Opaque";

  public StoredSecret {
    type = type == null || type.isBlank() ? OPAQUE : type;
    data = Map.copyOf(data);
  }

  @Override
  public String toString() {
    return "StoredSecret[type=" + type + ", keys=" + data.keySet() + "]";
  }
}
