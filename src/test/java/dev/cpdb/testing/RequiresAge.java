package dev.cpdb.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where Debian's {@code age} is installed; elsewhere it is skipped with the reason. On CI
 * ({@code CI=true}) a missing program fails the tests instead of skipping them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresAge.Condition.class)
public @interface RequiresAge {

    /** The decision, evaluated before the class runs. */
    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (AgeTool.available()) {
                return ConditionEvaluationResult.enabled("age found");
            }
            if ("true".equalsIgnoreCase(System.getenv().getOrDefault("CI", ""))) {
                return ConditionEvaluationResult.enabled("missing on CI, so the tests run and fail: "
                        + AgeTool.missingMessage());
            }
            String reason = "skipped: " + AgeTool.missingMessage();
            if (context.getTestMethod().isEmpty()) {
                System.err.println(context.getDisplayName() + " " + reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
