-- Companies are the tenants of the control plane: every other record belongs to one.
CREATE TABLE companies (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    issue_prefix text       NOT NULL UNIQUE CHECK (issue_prefix ~ '^[A-Z][A-Z0-9]{1,9}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE companies IS 'Tenants of the control plane';
COMMENT ON COLUMN companies.issue_prefix IS 'Prefix of issue identifiers such as ACME-42';
