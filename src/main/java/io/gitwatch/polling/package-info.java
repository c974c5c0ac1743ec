/**
 * Everything that asks a remote for its head: the timers, the ls-remote, and the status it writes.
 */
package io.gitwatch.polling;
