package io.gitwatch.gitrepo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The status fields Gitwatch reads and writes. Absent fields are left out when serialized, so an
 * instance holding only one writer's fields is that writer's JSON merge patch.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoStatus {
  private String commit;
  private String webhookCommit;
  private String lastWebhookTime;
  private String pollingCommit;
  private String lastPollingTriggered;
  private List<GitRepoCondition> conditions;

  public String getCommit() {
    return commit;
  }

  public void setCommit(String commit) {
    this.commit = commit;
  }

  public String getWebhookCommit() {
    return webhookCommit;
  }

  public void setWebhookCommit(String webhookCommit) {
    this.webhookCommit = webhookCommit;
  }

  public String getLastWebhookTime() {
    return lastWebhookTime;
  }

  public void setLastWebhookTime(String lastWebhookTime) {
    this.lastWebhookTime = lastWebhookTime;
  }

  public String getPollingCommit() {
    return pollingCommit;
  }

  public void setPollingCommit(String pollingCommit) {
    this.pollingCommit = pollingCommit;
  }

  public String getLastPollingTriggered() {
    return lastPollingTriggered;
  }

  public void setLastPollingTriggered(String lastPollingTriggered) {
    this.lastPollingTriggered = lastPollingTriggered;
  }

  public List<GitRepoCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<GitRepoCondition> conditions) {
    this.conditions = conditions;
  }
}
