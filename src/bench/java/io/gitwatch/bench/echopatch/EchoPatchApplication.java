package io.gitwatch.bench.echopatch;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The second ceiling: an echo that also makes one GitRepo status merge patch, on the same Liberty.
 */
@ApplicationPath("/")
public class EchoPatchApplication extends Application {}
