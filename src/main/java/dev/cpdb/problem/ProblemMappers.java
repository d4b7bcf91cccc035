package dev.cpdb.problem;

import java.util.Optional;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.cpdb.database.DatabaseUnavailable;
import io.vertx.pgclient.PgException;

/**
 * The one place where exceptions become HTTP answers with a {@link Problem} body.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException exception) {
        int status = exception.getResponse().getStatus();
        // The JSON body reader reports syntax errors wrapped in a plain 400.
        if (status == 400 && exception.getCause() instanceof MismatchedInputException mismatch) {
            return unboundJson(mismatch);
        }
        if (status == 400 && exception.getCause() instanceof JsonProcessingException json) {
            return problem(400, JsonInputProblems.syntax(json));
        }
        String detail = switch (status) {
            case 404 -> "No resource at this path; see the endpoint table in the README or /q/openapi";
            case 405 -> "This path does not accept this HTTP method";
            case 406 -> "The resource cannot produce the requested media type; accept application/json";
            case 415 -> "The request body must be application/json";
            default -> status >= 500 ? "The request could not be processed" : safeMessage(exception);
        };
        if (status >= 500) {
            LOG.error("request failed", exception);
        }
        return problem(status, detail);
    }

    @ServerExceptionMapper
    public Response unboundJson(MismatchedInputException exception) {
        return problem(400, JsonInputProblems.describe(exception));
    }

    /**
     * The JSON body reader passes on only {@link MismatchedInputException} as is and wraps every other failure to
     * read the request in a 400 (see {@link #webApplication}); any other Jackson failure arriving here happened
     * while writing the answer, so it is a server error, whatever it says about paths and values.
     */
    @ServerExceptionMapper
    public Response responseNotWritten(JsonProcessingException exception) {
        // The message alone can hold the whole path into the value (kilobytes for a deep one): log it shortened.
        String where = exception instanceof JsonMappingException mapping
                ? JsonInputProblems.echo(JsonInputProblems.path(mapping.getPath()))
                : "";
        Throwable cause = exception.getCause() == null ? exception : exception.getCause();
        LOG.errorf(cause, "the answer could not be written as JSON: %s (at '%s')", exception.getOriginalMessage(),
                where);
        return problem(500, "The answer could not be written; the service log has the details");
    }

    @ServerExceptionMapper
    public Response invalidInput(InvalidInputException exception) {
        return problem(400, exception.getMessage());
    }

    @ServerExceptionMapper
    public Response unprocessable(UnprocessableException exception) {
        return problem(422, exception.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(EntityNotFoundException exception) {
        return problem(404, exception.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException exception) {
        return problem(409, exception.getMessage());
    }

    @ServerExceptionMapper
    public Response accessDenied(AccessDeniedException exception) {
        return problem(403, exception.getMessage());
    }

    /** Constraint violations the client caused become 4xx; anything else from PostgreSQL is an outage or a bug. */
    @ServerExceptionMapper
    public Response database(PgException exception) {
        Optional<Response> unavailable = unavailable(exception);
        if (unavailable.isPresent()) {
            return unavailable.get();
        }
        DatabaseProblems.Answer answer = DatabaseProblems.answer(exception);
        if (answer == null) {
            return unexpected(exception);
        }
        if (answer.status() >= 500) {
            LOG.warnf("request failed with SQLSTATE %s: %s", exception.getSqlState(), exception.getErrorMessage());
        }
        return problem(answer.status(), answer.detail());
    }

    @ServerExceptionMapper
    public Response serverFault(ServerFaultException exception) {
        LOG.error(exception.getMessage());
        if (exception.otherReplicaCanAnswer()) {
            // E.g. this instance runs with another secrets master key (and reports not ready).
            return Response.fromResponse(problem(503, exception.getMessage())).header("Retry-After", "30").build();
        }
        return problem(500, "The request could not be processed; the service log has the details");
    }

    @ServerExceptionMapper
    public Response unexpected(Exception exception) {
        Optional<Response> unavailable = unavailable(exception);
        if (unavailable.isPresent()) {
            return unavailable.get();
        }
        LOG.error("request failed", exception);
        return problem(500, "The request could not be processed; the service log has the details");
    }

    /** Failures that are not exceptions (some client libraries fail with bare throwables) are server errors too. */
    @ServerExceptionMapper
    public Response unexpectedThrowable(Throwable failure) {
        Optional<Response> unavailable = unavailable(failure);
        if (unavailable.isPresent()) {
            return unavailable.get();
        }
        LOG.error("request failed", failure);
        return problem(500, "The request could not be processed; the service log has the details");
    }

    /**
     * A database that is away for a while (restart, failover, pooler refusing) is an outage, not a bug: 503 with
     * {@code Retry-After} and the cause, logged as one WARN line without a stack trace.
     */
    private static Optional<Response> unavailable(Throwable failure) {
        return DatabaseUnavailable.cause(failure).map(cause -> {
            LOG.warnf("request failed, database unavailable: %s (%s)", cause, firstLine(failure));
            Response problem = problem(503, "The database is unavailable: " + cause + "; retry in "
                    + DatabaseUnavailable.RETRY_AFTER_SECONDS + " s");
            return Response.fromResponse(problem)
                    .header("Retry-After", Integer.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS))
                    .build();
        });
    }

    private static String firstLine(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    /** Builds a problem answer with the standard reason phrase as title. */
    public static Response problem(int status, String detail) {
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail))
                .build();
    }

    private static String safeMessage(WebApplicationException exception) {
        String message = exception.getMessage();
        if (message == null || message.startsWith("HTTP ")) {
            return Response.Status.fromStatusCode(exception.getResponse().getStatus()) == null ? "Bad request"
                    : Response.Status.fromStatusCode(exception.getResponse().getStatus()).getReasonPhrase();
        }
        return message;
    }
}
