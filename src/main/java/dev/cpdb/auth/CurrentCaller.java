package dev.cpdb.auth;

import jakarta.enterprise.context.RequestScoped;

/**
 * The authenticated caller of the current request, set by {@link BearerAuthenticationFilter}.
 */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    /** The caller; only call from resources marked {@link Secured}. */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller: the resource is not marked @Secured");
        }
        return caller;
    }

    /** The caller, when the request was authenticated. */
    public java.util.Optional<Caller> find() {
        return java.util.Optional.ofNullable(caller);
    }

    void set(Caller caller) {
        this.caller = caller;
    }
}
