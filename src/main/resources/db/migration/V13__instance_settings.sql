-- Instance settings changed while the service runs. Their definitions (type, range, default, description) live in
-- the code; a row holds the stored value, or null when the default applies. Sensitive values are kept only in
-- secret_value, encrypted with the secrets master key and bound to their key.
CREATE TABLE public.instance_settings (
    key          text        PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$'),
    value        text,
    secret_value bytea,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text,
    CHECK (value IS NULL OR secret_value IS NULL)
);

-- One number every replica compares every few seconds: it moves with each change, so a replica reloads the settings
-- only when something changed.
CREATE TABLE public.instance_settings_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint  NOT NULL
);

INSERT INTO public.instance_settings_version (singleton, version) VALUES (true, 0);
