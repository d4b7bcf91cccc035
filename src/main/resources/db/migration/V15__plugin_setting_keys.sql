-- Plugins declare settings of their own in their manifest, under plugin.<plugin key>.<name>: plugin keys keep their
-- case and may hold '_' and '.', and names may hold '_'. Core keys keep their grammar.
-- rolling-upgrade-exception: validating-constraint instance_settings holds one row per setting (a few dozen), so checking them under the lock is instant
ALTER TABLE public.instance_settings DROP CONSTRAINT instance_settings_key_check;
ALTER TABLE public.instance_settings ADD CONSTRAINT instance_settings_key_check CHECK (
    key ~ '^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$'
    OR key ~ '^plugin\.[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.[a-z][a-z0-9_]{0,62}$'
);
