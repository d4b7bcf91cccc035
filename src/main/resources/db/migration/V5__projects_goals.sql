-- Projects group issues; goals say why the work is done and may nest.
CREATE TABLE public.projects (
    id          uuid        PRIMARY KEY,
    company_id  uuid        NOT NULL,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    status      text        NOT NULL DEFAULT 'active'
        CHECK (status IN ('planned', 'active', 'paused', 'completed', 'cancelled')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_company_fk FOREIGN KEY (company_id) REFERENCES public.companies (id) ON DELETE RESTRICT,
    CONSTRAINT projects_company_name_unique UNIQUE (company_id, name),
    CONSTRAINT projects_company_id_unique UNIQUE (company_id, id)
);

CREATE INDEX projects_company_status_idx ON public.projects (company_id, status, id);

CREATE TRIGGER projects_touch_updated_at
    BEFORE UPDATE ON public.projects
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();

CREATE TABLE public.goals (
    id          uuid        PRIMARY KEY,
    company_id  uuid        NOT NULL,
    parent_id   uuid,
    project_id  uuid,
    title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    status      text        NOT NULL DEFAULT 'active'
        CHECK (status IN ('planned', 'active', 'achieved', 'abandoned')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT goals_company_fk FOREIGN KEY (company_id) REFERENCES public.companies (id) ON DELETE RESTRICT,
    CONSTRAINT goals_company_id_unique UNIQUE (company_id, id),
    CONSTRAINT goals_parent_fk FOREIGN KEY (company_id, parent_id)
        REFERENCES public.goals (company_id, id) ON DELETE RESTRICT,
    CONSTRAINT goals_project_fk FOREIGN KEY (company_id, project_id)
        REFERENCES public.projects (company_id, id) ON DELETE RESTRICT,
    CONSTRAINT goals_not_own_parent CHECK (parent_id <> id)
);

CREATE INDEX goals_company_parent_idx ON public.goals (company_id, parent_id, id);
CREATE INDEX goals_company_project_idx ON public.goals (company_id, project_id, id) WHERE project_id IS NOT NULL;

CREATE TRIGGER goals_touch_updated_at
    BEFORE UPDATE ON public.goals
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();
