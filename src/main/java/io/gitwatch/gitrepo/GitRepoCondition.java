package io.gitwatch.gitrepo;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Wrangler-style GitRepo condition, as Fleet writes them ({@code GitPolling}, {@code Ready},
 * ...). Fields Gitwatch does not use (e.g. {@code lastTransitionTime}) are kept as they were, so a
 * condition read and written back loses nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoCondition {
  private String type;
  private String status;
  private String reason;
  private String message;
  private String lastUpdateTime;
  private final Map<String, Object> otherFields = new LinkedHashMap<>();

  /**
   * {@code current} with each of {@code updates} in place of the first condition of its type
   * (appended when there is none) and no other condition of that type left: a list with two
   * conditions of one type says two things at once, and readers disagree on which one counts. The
   * other writers' conditions stay as they are, in their order.
   */
  public static List<GitRepoCondition> merge(
      List<GitRepoCondition> current, List<GitRepoCondition> updates) {
    List<GitRepoCondition> merged = new ArrayList<>(current == null ? List.of() : current);
    for (GitRepoCondition update : updates) {
      int at = -1;
      for (int i = 0; i < merged.size(); i++) {
        if (update.getType().equals(merged.get(i).getType())) {
          if (at < 0) {
            at = i;
          } else {
            merged.remove(i--);
          }
        }
      }
      if (at < 0) {
        merged.add(update);
      } else {
        merged.set(at, update);
      }
    }
    return merged;
  }

  @JsonAnyGetter
  Map<String, Object> otherFields() {
    return otherFields;
  }

  @JsonAnySetter
  void otherField(String name, Object value) {
    otherFields.put(name, value);
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastUpdateTime() {
    return lastUpdateTime;
  }

  public void setLastUpdateTime(String lastUpdateTime) {
    this.lastUpdateTime = lastUpdateTime;
  }
}
