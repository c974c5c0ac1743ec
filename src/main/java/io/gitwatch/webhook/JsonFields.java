package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Type-safe reads of the few payload fields we use: a field that is absent, null or of another JSON
 * type reads as absent, so no payload shape can escape as anything but a 400.
 */
final class JsonFields {

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern ZEROS = Pattern.compile("0+");

  private JsonFields() {}

  /** The string at an RFC 6901 pointer, or null when it is absent, null, empty or not a string. */
  static String string(JsonObject json, String pointer) {
    JsonValue value = value(json, pointer);
    return value instanceof JsonString s && !s.getString().isEmpty() ? s.getString() : null;
  }

  /** The string at the pointer, or a 400 naming the missing field. */
  static String required(JsonObject json, String pointer) {
    String value = string(json, pointer);
    if (value == null) {
      throw new Rejection(Rejection.Reason.MALFORMED, "missing field " + pointer);
    }
    return value;
  }

  static JsonObject object(JsonObject json, String pointer) {
    return value(json, pointer) instanceof JsonObject o ? o : null;
  }

  /** The object at the pointer, or a 400 naming the missing field. */
  static JsonObject requiredObject(JsonObject json, String pointer) {
    JsonObject value = object(json, pointer);
    if (value == null) {
      throw new Rejection(Rejection.Reason.MALFORMED, "missing field " + pointer);
    }
    return value;
  }

  /** The array at the pointer, or a 400 naming the missing field. */
  static JsonArray requiredArray(JsonObject json, String pointer) {
    if (!(value(json, pointer) instanceof JsonArray array)) {
      throw new Rejection(Rejection.Reason.MALFORMED, "missing field " + pointer);
    }
    return array;
  }

  /** The strings at the pointers, in order, leaving out those {@link #string} reads as absent. */
  static List<String> strings(JsonObject json, String... pointers) {
    return Stream.of(pointers)
        .map(pointer -> string(json, pointer))
        .filter(Objects::nonNull)
        .toList();
  }

  /**
   * The commit SHA at the pointer (SHA-1 or SHA-256 hex), lowercased; null for the all-zero SHA
   * that stands for a deleted ref; a 400 when it is missing or not a SHA.
   */
  static String commit(JsonObject json, String pointer) {
    String sha = required(json, pointer).toLowerCase(Locale.ROOT);
    if (!SHA.matcher(sha).matches()) {
      throw new Rejection(Rejection.Reason.MALFORMED, "invalid commit sha at " + pointer);
    }
    return ZEROS.matcher(sha).matches() ? null : sha;
  }

  static boolean isTrue(JsonObject json, String pointer) {
    return value(json, pointer) == JsonValue.TRUE;
  }

  /** The objects of the array at the pointer; entries that are not objects are skipped. */
  static List<JsonObject> objects(JsonObject json, String pointer) {
    if (!(value(json, pointer) instanceof JsonArray array)) {
      return List.of();
    }
    return array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
  }

  static JsonValue value(JsonObject json, String pointer) {
    JsonValue current = json;
    for (String token : pointer.substring(1).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      if (current instanceof JsonObject o) {
        current = o.get(name);
      } else if (current instanceof JsonArray a && name.matches("\\d{1,9}")) {
        int index = Integer.parseInt(name);
        current = index < a.size() ? a.get(index) : null;
      } else {
        return null;
      }
      if (current == null) {
        return null;
      }
    }
    return current;
  }
}
