package io.gitwatch;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application: webhooks are served from the server root. */
@ApplicationPath("/")
public class Gitwatch extends Application {}
