package io.gitwatch.bench.echo;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Reads the whole body and answers it back: the least a JAX-RS endpoint can do with a delivery. */
@Path("/")
public class EchoResource {

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] echo(byte[] body) {
    return body;
  }
}
