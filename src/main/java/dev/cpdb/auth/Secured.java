package dev.cpdb.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource class or method as requiring a bearer token: the operator token always, agent API keys only when
 * {@link #agents()} is true. The authenticated {@link Caller} is then available from {@link CurrentCaller}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface Secured {

    /** Whether agents (not only operators) may call it. */
    boolean agents() default false;
}
