-- Which agent may read which company secret through an agent environment. Operators grant and revoke; a reference an
-- operator writes into an agent's env grants it implicitly. A grant goes away with its secret or its agent.
CREATE TABLE public.secret_grants (
    company_id      uuid        NOT NULL,
    secret_id       uuid        NOT NULL,
    agent_id        uuid        NOT NULL,
    origin          text        NOT NULL CHECK (origin IN ('grant', 'env_reference', 'inline_env_migration',
                                                           'existing_reference')),
    granted_by_type text        NOT NULL CHECK (granted_by_type IN ('operator', 'system')),
    granted_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (secret_id, agent_id),
    CONSTRAINT secret_grants_secret_fk FOREIGN KEY (company_id, secret_id)
        REFERENCES public.company_secrets (company_id, id) ON DELETE CASCADE,
    CONSTRAINT secret_grants_agent_fk FOREIGN KEY (company_id, agent_id)
        REFERENCES public.agents (company_id, id) ON DELETE CASCADE
);

CREATE INDEX secret_grants_agent_idx ON public.secret_grants (agent_id);

-- References written before grants existed were accepted under the old rules; keep the agents that use them working.
-- They are marked, so that operators can review them and revoke what an agent should not read.
INSERT INTO public.secret_grants (company_id, secret_id, agent_id, origin, granted_by_type)
SELECT company_id, secret_id, agent_id, 'existing_reference', 'system'
  FROM public.agent_secret_refs
ON CONFLICT DO NOTHING;
