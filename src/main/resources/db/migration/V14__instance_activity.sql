-- Entries about the instance itself (changes of instance settings) belong to no company: company_id is left empty
-- for them. Earlier versions read the log by company only, so they never see these rows.
ALTER TABLE public.activity_log ALTER COLUMN company_id DROP NOT NULL;
