package io.gitwatch.gitrepo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The spec fields of a GitRepo that webhooks and polling use; Gitwatch never writes spec. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoSpec {
  private String repo;
  private String branch;
  private String revision;
  private String pollingInterval;
  private Boolean disablePolling;
  private String webhookSecret;
  private String clientSecretName;
  private String caBundle;
  private Boolean insecureSkipTLSVerify;

  public String getRepo() {
    return repo;
  }

  public void setRepo(String repo) {
    this.repo = repo;
  }

  public String getBranch() {
    return branch;
  }

  public void setBranch(String branch) {
    this.branch = branch;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getPollingInterval() {
    return pollingInterval;
  }

  public void setPollingInterval(String pollingInterval) {
    this.pollingInterval = pollingInterval;
  }

  public Boolean getDisablePolling() {
    return disablePolling;
  }

  public void setDisablePolling(Boolean disablePolling) {
    this.disablePolling = disablePolling;
  }

  public String getWebhookSecret() {
    return webhookSecret;
  }

  public void setWebhookSecret(String webhookSecret) {
    this.webhookSecret = webhookSecret;
  }

  public String getClientSecretName() {
    return clientSecretName;
  }

  public void setClientSecretName(String clientSecretName) {
    this.clientSecretName = clientSecretName;
  }

  public String getCaBundle() {
    return caBundle;
  }

  public void setCaBundle(String caBundle) {
    this.caBundle = caBundle;
  }

  public Boolean getInsecureSkipTLSVerify() {
    return insecureSkipTLSVerify;
  }

  public void setInsecureSkipTLSVerify(Boolean insecureSkipTLSVerify) {
    this.insecureSkipTLSVerify = insecureSkipTLSVerify;
  }
}
