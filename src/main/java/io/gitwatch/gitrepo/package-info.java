/**
 * The GitRepo resource, its canonical repository key, the index that finds GitRepos by that key,
 * and where GitRepos are stored.
 */
package io.gitwatch.gitrepo;
