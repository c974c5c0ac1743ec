package io.gitwatch.bench.echo;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The ceiling the webhook is measured against: a bare JAX-RS application on the same Liberty. */
@ApplicationPath("/")
public class EchoApplication extends Application {}
