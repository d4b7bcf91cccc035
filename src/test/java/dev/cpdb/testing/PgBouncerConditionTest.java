package dev.cpdb.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The skip-or-fail rule of {@link RequiresPgBouncer}, which is our own design. */
class PgBouncerConditionTest {

    @Test
    void pgBouncerTestsRunWhenTheExecutableIsInstalled() {
        var result = new PgBouncerCondition(Map.of(), Optional.of(Path.of("/usr/sbin/pgbouncer")))
                .evaluateExecutionCondition(null);

        assertFalse(result.isDisabled());
    }

    @Test
    void pgBouncerTestsAreSkippedWithTheInstallHintOnADeveloperMachineWithoutIt() {
        var result = new PgBouncerCondition(Map.of(), Optional.empty()).evaluateExecutionCondition(null);

        assertTrue(result.isDisabled());
        assertTrue(result.getReason().orElseThrow().contains("install the Debian package pgbouncer"));
    }

    @Test
    void pgBouncerTestsRunAndSoFailOnCiWithoutTheExecutable() {
        var result = new PgBouncerCondition(Map.of("CI", "true"), Optional.empty()).evaluateExecutionCondition(null);

        assertFalse(result.isDisabled());
    }

    @Test
    void aCiVariableOtherThanTrueStillSkips() {
        var result = new PgBouncerCondition(Map.of("CI", "false"), Optional.empty()).evaluateExecutionCondition(null);

        assertTrue(result.isDisabled());
    }
}
