package dev.cpdb.api;

import java.util.UUID;

import dev.cpdb.auth.Caller;
import dev.cpdb.problem.EntityNotFoundException;

/**
 * Which companies a caller may see: operators all of them, an agent only its own. Records of other companies are
 * reported as missing, never as forbidden, so their ids do not leak.
 */
public final class Access {

    private Access() {
    }

    /**
     * The company a caller is confined to, for SQL filters of the form {@code ($n::uuid IS NULL OR company_id = $n)}:
     * null for operators.
     */
    public static UUID scope(Caller caller) {
        return caller.isAdmin() ? null : caller.companyId().orElseThrow();
    }

    /**
     * Fails as "not found" when the caller may not see {@code companyId}.
     *
     * @throws EntityNotFoundException for an agent of another company
     */
    public static void requireCompany(Caller caller, UUID companyId) {
        if (!caller.isAdmin() && !caller.companyId().orElseThrow().equals(companyId)) {
            throw new EntityNotFoundException("company", companyId);
        }
    }
}
