-- Issues, their comments, and which issue text mentions which other issue.
CREATE TABLE public.issues (
    id                uuid        PRIMARY KEY,
    company_id        uuid        NOT NULL,
    number            bigint      NOT NULL CHECK (number > 0),
    identifier        text        NOT NULL CHECK (identifier ~ '^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]*$'),
    project_id        uuid,
    goal_id           uuid,
    assignee_agent_id uuid,
    title             text        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description       text        NOT NULL DEFAULT '' CHECK (length(description) <= 100000),
    status            text        NOT NULL DEFAULT 'backlog'
        CHECK (status IN ('backlog', 'todo', 'in_progress', 'in_review', 'blocked', 'done', 'cancelled')),
    priority          text        NOT NULL DEFAULT 'medium' CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    completed_at      timestamptz,
    CONSTRAINT issues_company_fk FOREIGN KEY (company_id) REFERENCES public.companies (id) ON DELETE RESTRICT,
    CONSTRAINT issues_company_id_unique UNIQUE (company_id, id),
    CONSTRAINT issues_company_number_unique UNIQUE (company_id, number),
    -- Issue prefixes are unique and never change, so identifiers are unique across companies.
    CONSTRAINT issues_identifier_unique UNIQUE (identifier),
    CONSTRAINT issues_project_fk FOREIGN KEY (company_id, project_id)
        REFERENCES public.projects (company_id, id) ON DELETE RESTRICT,
    CONSTRAINT issues_goal_fk FOREIGN KEY (company_id, goal_id)
        REFERENCES public.goals (company_id, id) ON DELETE RESTRICT,
    CONSTRAINT issues_assignee_fk FOREIGN KEY (company_id, assignee_agent_id)
        REFERENCES public.agents (company_id, id) ON DELETE RESTRICT
);

-- Indexes of the filtered list queries; each ends in id, the keyset-pagination order.
CREATE INDEX issues_company_status_idx ON public.issues (company_id, status, id);
CREATE INDEX issues_company_assignee_idx ON public.issues (company_id, assignee_agent_id, id)
    WHERE assignee_agent_id IS NOT NULL;
CREATE INDEX issues_company_project_idx ON public.issues (company_id, project_id, id) WHERE project_id IS NOT NULL;
CREATE INDEX issues_company_goal_idx ON public.issues (company_id, goal_id, id) WHERE goal_id IS NOT NULL;

CREATE TRIGGER issues_touch_updated_at
    BEFORE UPDATE ON public.issues
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();

CREATE TABLE public.issue_comments (
    id              uuid        PRIMARY KEY,
    company_id      uuid        NOT NULL,
    issue_id        uuid        NOT NULL,
    author_type     text        NOT NULL CHECK (author_type IN ('operator', 'agent', 'system')),
    author_agent_id uuid,
    body            text        NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT issue_comments_issue_fk FOREIGN KEY (company_id, issue_id)
        REFERENCES public.issues (company_id, id) ON DELETE CASCADE,
    CONSTRAINT issue_comments_author_fk FOREIGN KEY (company_id, author_agent_id)
        REFERENCES public.agents (company_id, id) ON DELETE RESTRICT,
    CONSTRAINT issue_comments_author_matches CHECK ((author_type = 'agent') = (author_agent_id IS NOT NULL))
);

CREATE INDEX issue_comments_issue_idx ON public.issue_comments (issue_id, id);
CREATE INDEX issue_comments_author_idx ON public.issue_comments (author_agent_id) WHERE author_agent_id IS NOT NULL;

CREATE TRIGGER issue_comments_touch_updated_at
    BEFORE UPDATE ON public.issue_comments
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();

-- A mention of target_issue_id in the description of source_issue_id (source_comment_id null) or in one of its
-- comments. Rows follow the text: they are re-synced whenever the text changes, and go with either issue.
CREATE TABLE public.issue_references (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id        uuid        NOT NULL,
    source_issue_id   uuid        NOT NULL,
    source_comment_id uuid,
    target_issue_id   uuid        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT issue_references_source_fk FOREIGN KEY (company_id, source_issue_id)
        REFERENCES public.issues (company_id, id) ON DELETE CASCADE,
    CONSTRAINT issue_references_target_fk FOREIGN KEY (company_id, target_issue_id)
        REFERENCES public.issues (company_id, id) ON DELETE CASCADE,
    CONSTRAINT issue_references_comment_fk FOREIGN KEY (source_comment_id)
        REFERENCES public.issue_comments (id) ON DELETE CASCADE,
    CONSTRAINT issue_references_not_self CHECK (source_issue_id <> target_issue_id)
);

-- One row per (text, mentioned issue); two partial indexes because the description's rows have no comment id.
CREATE UNIQUE INDEX issue_references_description_unique ON public.issue_references (source_issue_id, target_issue_id)
    WHERE source_comment_id IS NULL;
CREATE UNIQUE INDEX issue_references_comment_unique ON public.issue_references (source_comment_id, target_issue_id)
    WHERE source_comment_id IS NOT NULL;
CREATE INDEX issue_references_target_idx ON public.issue_references (target_issue_id);
