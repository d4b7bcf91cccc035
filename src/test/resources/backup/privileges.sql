-- Owners and privileges on top of fixture.sql, for backups that carry them. ${owner}, ${reader} and ${writer} stand
-- for quoted names of roles the test creates (with double quotes, spaces, a dot and non-ASCII letters in them).

-- A schema owned by a role, holding objects of every kind owned by roles
CREATE SCHEMA secured;
ALTER SCHEMA secured OWNER TO ${owner};
GRANT USAGE ON SCHEMA secured TO ${reader} WITH GRANT OPTION;
GRANT USAGE, CREATE ON SCHEMA secured TO ${writer};
COMMENT ON SCHEMA secured IS 'owned by a role';

CREATE TYPE secured.level AS ENUM ('low', 'high');
CREATE DOMAIN secured.code AS text CHECK (VALUE <> '');
CREATE TYPE secured.pair AS (a integer, b integer);
CREATE TYPE secured.numbers_range AS RANGE (subtype = numeric);
ALTER TYPE secured.level OWNER TO ${owner};
ALTER DOMAIN secured.code OWNER TO ${owner};
ALTER TYPE secured.pair OWNER TO ${reader};
ALTER TYPE secured.numbers_range OWNER TO ${writer};
REVOKE USAGE ON TYPE secured.level FROM PUBLIC;
GRANT USAGE ON TYPE secured.level TO ${reader};
REVOKE ALL ON DOMAIN secured.code FROM PUBLIC;
GRANT USAGE ON DOMAIN secured.code TO ${writer} WITH GRANT OPTION;

CREATE FUNCTION secured.secret(x integer) RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT x + 1';
ALTER FUNCTION secured.secret(integer) OWNER TO ${owner};
REVOKE EXECUTE ON FUNCTION secured.secret(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION secured.secret(integer) TO ${reader} WITH GRANT OPTION;
CREATE FUNCTION secured.secret(x text, y secured.level) RETURNS text LANGUAGE sql AS 'SELECT x';
ALTER FUNCTION secured.secret(text, secured.level) OWNER TO ${writer};
CREATE PROCEDURE secured.reset_all() LANGUAGE sql AS 'SELECT 1';
ALTER PROCEDURE secured.reset_all() OWNER TO ${writer};
REVOKE ALL ON PROCEDURE secured.reset_all() FROM PUBLIC;

CREATE SEQUENCE secured.numbers;
ALTER SEQUENCE secured.numbers OWNER TO ${owner};
GRANT USAGE ON SEQUENCE secured.numbers TO ${writer};
GRANT SELECT, UPDATE ON SEQUENCE secured.numbers TO ${reader} WITH GRANT OPTION;

-- A table with an identity column (whose sequence follows the table's owner) and a serial column (whose sequence is
-- linked to the table with OWNED BY, which needs both to have the same owner)
CREATE TABLE secured.accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial_no bigserial,
    name text NOT NULL,
    level secured.level,
    salary numeric
);
ALTER TABLE secured.accounts OWNER TO ${owner};
GRANT SELECT ON secured.accounts TO ${reader} WITH GRANT OPTION;
GRANT INSERT, UPDATE ON secured.accounts TO ${writer};
GRANT SELECT (id, name), UPDATE (name) ON secured.accounts TO ${writer};
GRANT REFERENCES (salary) ON secured.accounts TO ${reader} WITH GRANT OPTION;
GRANT USAGE ON SEQUENCE secured.accounts_id_seq TO ${writer};
REVOKE TRUNCATE ON secured.accounts FROM ${owner};
INSERT INTO secured.accounts (name, level, salary) VALUES ('ann', 'high', 10), ('bob', 'low', NULL);

-- Grants made by a role through its grant option rather than by the owner
SET ROLE ${reader};
GRANT SELECT ON secured.accounts TO ${writer};
GRANT EXECUTE ON FUNCTION secured.secret(integer) TO ${writer};
RESET ROLE;

CREATE VIEW secured.account_names AS SELECT id, name FROM secured.accounts;
ALTER VIEW secured.account_names OWNER TO ${reader};
GRANT SELECT ON secured.account_names TO PUBLIC;
GRANT SELECT (name) ON secured.account_names TO ${writer};

-- A populated materialized view whose owner may read its table only through a grant: the restore refreshes it as
-- that owner, so the grants must come first
CREATE MATERIALIZED VIEW secured.account_count AS SELECT count(*) AS n FROM secured.accounts;
ALTER MATERIALIZED VIEW secured.account_count OWNER TO ${reader};

CREATE TABLE secured.log (at date NOT NULL, line text) PARTITION BY RANGE (at);
CREATE TABLE secured.log_2024 PARTITION OF secured.log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE secured.log OWNER TO ${writer};
ALTER TABLE secured.log_2024 OWNER TO ${owner};
GRANT INSERT ON secured.log TO ${reader};
CREATE UNLOGGED TABLE secured.scratch (k text);
ALTER TABLE secured.scratch OWNER TO ${writer};
GRANT ALL ON secured.scratch TO ${reader};

-- Objects of the general fixture handed to roles, and grants on them
ALTER TABLE app.issues OWNER TO ${owner};
ALTER MATERIALIZED VIEW app.issue_counts OWNER TO ${reader};
ALTER STATISTICS app.issues_company_project_stats OWNER TO ${owner};
ALTER FUNCTION app.double_it(integer) OWNER TO ${writer};
GRANT USAGE ON SCHEMA app TO ${reader};
GRANT SELECT ON ALL TABLES IN SCHEMA app TO ${reader};
REVOKE EXECUTE ON FUNCTION app.double_it(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.double_it(integer) TO ${reader};
GRANT CREATE ON SCHEMA public TO ${writer};
GRANT ALL ON TABLE "Mixed Case ""Schema"""."Select" TO ${writer};
GRANT UPDATE ("Column With Spaces", "quote""inside") ON TABLE "Mixed Case ""Schema"""."Select" TO ${reader};
GRANT USAGE ON SCHEMA "Mixed Case ""Schema""" TO ${writer};
REFRESH MATERIALIZED VIEW app.issue_counts;

-- Default privileges: for one schema (they only add) and for the whole database (they replace the built-in ones)
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA secured GRANT SELECT ON TABLES TO ${reader};
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA secured GRANT EXECUTE ON FUNCTIONS TO ${writer};
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} GRANT USAGE ON SEQUENCES TO ${writer} WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE ${writer} REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE ${writer} GRANT USAGE ON TYPES TO ${reader};
ALTER DEFAULT PRIVILEGES FOR ROLE ${writer} GRANT CREATE ON SCHEMAS TO ${reader};
