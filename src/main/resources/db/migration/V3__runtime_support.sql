-- Shared pieces of the runtime data model: updated_at maintenance and the per-company issue counter.

-- Sets updated_at on every UPDATE, so no writer can forget it (or fake it).
CREATE FUNCTION public.cpdb_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER companies_touch_updated_at
    BEFORE UPDATE ON public.companies
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_touch_updated_at();

-- One row per company holding the last issue number handed out. Allocation is an upsert that locks this row until
-- the allocating transaction ends, so numbers are unique and, for committed issues, gap-free.
CREATE TABLE public.issue_counters (
    company_id  uuid   PRIMARY KEY REFERENCES public.companies (id) ON DELETE CASCADE,
    last_number bigint NOT NULL CHECK (last_number > 0)
);

COMMENT ON TABLE public.issue_counters IS 'Last issue number allocated per company (row-locked while allocating)';
