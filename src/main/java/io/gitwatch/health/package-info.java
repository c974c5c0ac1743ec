/** MicroProfile Health checks, each reporting the state of the component it names. */
package io.gitwatch.health;
