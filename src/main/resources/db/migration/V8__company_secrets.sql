-- Company secrets: metadata in company_secrets, every value ever set in company_secret_versions, encrypted with
-- AES-256-GCM under the instance's master key (the key never reaches the database).
CREATE TABLE public.company_secrets (
    id             uuid        PRIMARY KEY,
    company_id     uuid        NOT NULL,
    name           text        NOT NULL CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$'),
    description    text        NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    latest_version integer     NOT NULL CHECK (latest_version > 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT company_secrets_company_fk FOREIGN KEY (company_id)
        REFERENCES public.companies (id) ON DELETE RESTRICT,
    CONSTRAINT company_secrets_company_name_unique UNIQUE (company_id, name),
    CONSTRAINT company_secrets_company_id_unique UNIQUE (company_id, id)
);

CREATE TRIGGER company_secrets_touch_updated_at
    BEFORE UPDATE ON public.company_secrets
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();

CREATE TABLE public.company_secret_versions (
    secret_id       uuid        NOT NULL REFERENCES public.company_secrets (id) ON DELETE CASCADE,
    version         integer     NOT NULL CHECK (version > 0),
    nonce           bytea       NOT NULL CHECK (length(nonce) = 12),
    ciphertext      bytea       NOT NULL,
    key_fingerprint text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (secret_id, version)
);

-- Which agent's env refers to which secret, kept in step with agents.adapter_config so that a secret still in use
-- cannot be deleted.
CREATE TABLE public.agent_secret_refs (
    company_id uuid NOT NULL,
    agent_id   uuid NOT NULL,
    secret_id  uuid NOT NULL,
    PRIMARY KEY (agent_id, secret_id),
    CONSTRAINT agent_secret_refs_agent_fk FOREIGN KEY (company_id, agent_id)
        REFERENCES public.agents (company_id, id) ON DELETE CASCADE,
    CONSTRAINT agent_secret_refs_secret_fk FOREIGN KEY (company_id, secret_id)
        REFERENCES public.company_secrets (company_id, id) ON DELETE RESTRICT
);

CREATE INDEX agent_secret_refs_secret_idx ON public.agent_secret_refs (secret_id);
