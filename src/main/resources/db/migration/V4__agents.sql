-- Agents work for one company; API keys let them call the runtime API as themselves.
CREATE TABLE public.agents (
    id             uuid        PRIMARY KEY,
    company_id     uuid        NOT NULL,
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role           text        NOT NULL CHECK (length(role) BETWEEN 1 AND 100),
    status         text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'terminated')),
    adapter_type   text        NOT NULL CHECK (length(adapter_type) BETWEEN 1 AND 100),
    adapter_config jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(adapter_config) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agents_company_fk FOREIGN KEY (company_id) REFERENCES public.companies (id) ON DELETE RESTRICT,
    CONSTRAINT agents_company_name_unique UNIQUE (company_id, name),
    -- Also the index of the per-company list, read in id order.
    CONSTRAINT agents_company_id_unique UNIQUE (company_id, id)
);

CREATE TRIGGER agents_touch_updated_at
    BEFORE UPDATE ON public.agents
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();

COMMENT ON COLUMN public.agents.adapter_config IS 'Adapter settings; "env" maps variable names to {"value"} or {"secretId","version"}';

-- Only a SHA-256 digest of each key is stored; the key itself is shown once, when it is created.
CREATE TABLE public.agent_api_keys (
    id           uuid        PRIMARY KEY,
    company_id   uuid        NOT NULL,
    agent_id     uuid        NOT NULL,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_hash     bytea       NOT NULL CHECK (length(key_hash) = 32),
    key_prefix   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT agent_api_keys_agent_fk FOREIGN KEY (company_id, agent_id)
        REFERENCES public.agents (company_id, id) ON DELETE CASCADE,
    CONSTRAINT agent_api_keys_hash_unique UNIQUE (key_hash)
);

CREATE INDEX agent_api_keys_agent_idx ON public.agent_api_keys (agent_id, id);
