/**
 * Everything between a provider's HTTP request and a verified, matched push written to GitRepo
 * status.
 */
package io.gitwatch.webhook;
