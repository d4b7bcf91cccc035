-- Append-only audit trail: every write of the runtime API adds one row in the transaction of the write.
-- company_id has no foreign key on purpose: the trail of a deleted company stays.
CREATE TABLE public.activity_log (
    id          uuid        PRIMARY KEY,
    company_id  uuid        NOT NULL,
    actor_type  text        NOT NULL CHECK (actor_type IN ('operator', 'agent', 'system')),
    actor_id    uuid,
    action      text        NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    entity_type text        NOT NULL,
    entity_id   uuid        NOT NULL,
    details     jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX activity_log_company_idx ON public.activity_log (company_id, id);
CREATE INDEX activity_log_entity_idx ON public.activity_log (entity_id);

CREATE FUNCTION public.cpdb_activity_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'activity_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER activity_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON public.activity_log
    FOR EACH ROW EXECUTE FUNCTION public.cpdb_activity_log_is_append_only();

CREATE TRIGGER activity_log_no_truncate
    BEFORE TRUNCATE ON public.activity_log
    FOR EACH STATEMENT EXECUTE FUNCTION public.cpdb_activity_log_is_append_only();
