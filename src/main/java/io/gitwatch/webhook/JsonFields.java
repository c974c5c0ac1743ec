package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * Type-safe reads of the few payload fields we use: a field that is absent, null or of another JSON
 * type reads as absent, so no payload shape can escape as anything but a 400.
 */
final class JsonFields {

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
