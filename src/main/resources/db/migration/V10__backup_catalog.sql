-- Backup runs and restore drills, recorded on the direct path by whichever replica ran them, and the lease that
-- lets exactly one replica back up at a time.
CREATE TABLE public.backup_runs (
    id          text        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('backup', 'verify')),
    backup_id   text        NOT NULL,
    trigger     text        NOT NULL CHECK (trigger IN ('schedule', 'api', 'cli')),
    slot        timestamptz,
    status      text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    phase       text,
    target      text        NOT NULL,
    holder      text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    bytes       bigint,
    row_count   bigint,
    error       text
);

COMMENT ON TABLE public.backup_runs IS 'One row per backup or restore drill run, whatever its outcome';
COMMENT ON COLUMN public.backup_runs.slot IS 'Schedule slot a scheduled run claimed; at most one run per kind and slot';
COMMENT ON COLUMN public.backup_runs.holder IS 'Replica that ran it';

CREATE UNIQUE INDEX backup_runs_slot_key ON public.backup_runs (kind, slot) WHERE slot IS NOT NULL;
CREATE INDEX backup_runs_kind_started_idx ON public.backup_runs (kind, started_at DESC);

CREATE TABLE public.backup_lease (
    name        text        PRIMARY KEY,
    holder      text        NOT NULL,
    run_id      text        NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

COMMENT ON TABLE public.backup_lease IS 'Held by the replica running a backup; renewed while it runs, free once expired';
