package dev.cpdb.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test-only endpoints that exercise {@link Secured} without depending on a feature's resources. */
@Path("/test/secured")
public class SecuredProbeResource {

    private final CurrentCaller caller;

    public SecuredProbeResource(CurrentCaller caller) {
        this.caller = caller;
    }

    @GET
    @Path("operators")
    @Secured
    public String operatorsOnly() {
        return caller.get().kind().name();
    }

    @GET
    @Path("agents")
    @Secured(agents = true)
    public String agentsToo() {
        return caller.get().kind().name() + ":" + caller.get().companyId().map(Object::toString).orElse("-");
    }
}
