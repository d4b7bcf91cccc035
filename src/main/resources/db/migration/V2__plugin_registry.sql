-- Plugin namespaces: each plugin owns one schema and one role, recorded here with its migration history.
-- Written by cpdb on the direct path only; plugin roles have no privileges on these tables.
CREATE TABLE plugin_database_namespaces (
    plugin_key      text        PRIMARY KEY CHECK (plugin_key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
    namespace_name  text        NOT NULL UNIQUE
                                CHECK (namespace_name ~ '^plugin_[a-z0-9_]+$' AND octet_length(namespace_name) <= 63),
    role_name       text        NOT NULL UNIQUE
                                CHECK (role_name ~ '^plugin_[a-z0-9_]+$' AND octet_length(role_name) <= 63),
    isolation       text        NOT NULL CHECK (isolation IN ('role', 'schema')),
    status          text        NOT NULL CHECK (status IN ('active', 'migration_failed')),
    plugin_version  text        NOT NULL,
    read_grants     text[]      NOT NULL DEFAULT '{}',
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE plugin_database_namespaces IS 'Schema and role of each plugin; a name once recorded stays with its key';
COMMENT ON COLUMN plugin_database_namespaces.isolation IS
    'role: the plugin role owns the schema and runs the migrations; schema: fallback without CREATEROLE';
COMMENT ON COLUMN plugin_database_namespaces.read_grants IS 'Core tables the plugin role may SELECT, from its manifest';

CREATE TABLE plugin_migrations (
    plugin_key      text        NOT NULL REFERENCES plugin_database_namespaces (plugin_key),
    namespace_name  text        NOT NULL,
    migration_key   text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    file_name       text        NOT NULL,
    checksum        text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    plugin_version  text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('applied', 'failed')),
    started_at      timestamptz NOT NULL,
    applied_at      timestamptz,
    error_message   text,
    PRIMARY KEY (plugin_key, migration_key),
    CHECK (migration_key = 'V' || version),
    CHECK ((status = 'applied') = (applied_at IS NOT NULL))
);

COMMENT ON TABLE plugin_migrations IS 'Migration history of plugin namespaces, one row per plugin and migration';
COMMENT ON COLUMN plugin_migrations.checksum IS 'SHA-256 of the migration file; a changed applied file is refused';
