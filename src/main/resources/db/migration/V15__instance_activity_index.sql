-- The instance's own entries are few among many company entries: a partial index finds them without a scan.
DROP INDEX CONCURRENTLY IF EXISTS public.activity_log_instance_idx;
CREATE INDEX CONCURRENTLY activity_log_instance_idx ON public.activity_log (id) WHERE company_id IS NULL;
