package dev.cpdb.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class only where the {@code pgbouncer} executable is installed; elsewhere the class is skipped with
 * the reason shown, before Quarkus starts. On CI ({@code CI=true}) a missing PgBouncer is a failure instead: the
 * class runs and {@link PgBouncerResource} stops it with the install hint.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PgBouncerCondition.class)
public @interface RequiresPgBouncer {
}
