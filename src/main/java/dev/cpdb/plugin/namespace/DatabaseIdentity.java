package dev.cpdb.plugin.namespace;

/**
 * Who cpdb is on the direct connection, and what that allows for plugin namespaces.
 *
 * @param user {@code current_user}
 * @param database {@code current_database()}
 * @param superuser whether the user is a superuser
 * @param createRole whether the user has {@code CREATEROLE}
 * @param serverVersionNum {@code server_version_num}, e.g. 170011
 */
public record DatabaseIdentity(String user, String database, boolean superuser, boolean createRole,
        int serverVersionNum) {

    /** Whether plugin roles can be created: otherwise new namespaces fall back to schema-only isolation. */
    public boolean canCreateRoles() {
        return superuser || createRole;
    }

    /** PostgreSQL 16 changed role membership: grants carry separate INHERIT and SET options. */
    public boolean membershipOptions() {
        return serverVersionNum >= 160000;
    }
}
