package io.gitwatch.webhook;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a {@link Rejection} into its status and a JSON body {@code {"error","message"}}: the one
 * place failures become responses. Never a stack trace, never a secret.
 */
@Provider
public class RejectionMapper implements ExceptionMapper<Rejection> {

  /** The JSON body of every failed delivery. */
  public record Problem(String error, String message) {}

  @Override
  public Response toResponse(Rejection rejection) {
    Response problem =
        problem(
            rejection.status(), rejection.reason().name().toLowerCase(), rejection.getMessage());
    return rejection
        .retryAfter()
        .map(
            wait ->
                Response.fromResponse(problem)
                    .header("Retry-After", Math.max(1, (wait.toMillis() + 999) / 1000))
                    .build())
        .orElse(problem);
  }

  static Response problem(int status, String error, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new Problem(error, message))
        .build();
  }

  /** What JAX-RS itself refuses (405 wrong method, 404, 406) gets the same JSON shape. */
  @Provider
  public static class Refused implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      int status = e.getResponse().getStatus();
      String message =
          switch (status) {
            case 405 -> "only POST is accepted";
            case 404 -> "not found";
            default ->
                Response.Status.fromStatusCode(status) == null
                    ? "request refused"
                    : Response.Status.fromStatusCode(status).getReasonPhrase();
          };
      Response problem = problem(status, "refused", message);
      return status == 405 ? Response.fromResponse(problem).allow("POST").build() : problem;
    }
  }

  /** Anything unexpected is a 500 with a generic message, logged once with its cause. */
  @Provider
  public static class Unexpected implements ExceptionMapper<RuntimeException> {
    private static final Logger LOG = Logger.getLogger(Unexpected.class.getName());

    @Override
    public Response toResponse(RuntimeException e) {
      LOG.log(Level.SEVERE, "Unexpected failure while handling a webhook", e);
      return problem(500, "internal", "internal error; see the server log");
    }
  }
}
