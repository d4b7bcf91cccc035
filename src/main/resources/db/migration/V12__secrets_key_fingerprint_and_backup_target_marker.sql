-- Which secrets master key this database's secrets are encrypted with: one row, written by the first instance that
-- uses a key. An instance whose key has another fingerprint reports not ready instead of failing every secret read.
-- Only the fingerprint (a truncated SHA-256 over the key) is stored, never the key.
CREATE TABLE public.secrets_master_key (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- A database that already holds secrets records the key of its oldest version, so an upgraded replica with another
-- key is caught too.
INSERT INTO public.secrets_master_key (fingerprint, recorded_at)
SELECT key_fingerprint, created_at
FROM public.company_secret_versions
WHERE key_fingerprint ~ '^[0-9a-f]{16}$'
ORDER BY created_at, secret_id, version
LIMIT 1;

-- The marker each folder backup target holds: the first replica writes a random id into the folder and records it
-- here; a replica whose folder holds another id (or none) is not looking at the same, persistent folder.
CREATE TABLE public.backup_target_markers (
    target      text        PRIMARY KEY,
    marker      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
