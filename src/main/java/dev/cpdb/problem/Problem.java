package dev.cpdb.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem body: every error answer of the API has this shape, and never carries a class name or stack
 * trace.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {

    /** Media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
