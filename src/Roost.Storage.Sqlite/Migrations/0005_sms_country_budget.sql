-- The country (ISO region) each code went to, for the per-country hourly SMS budget. NULL for sends made before this
-- migration and for sends the provider refused (they cost nothing and do not count).
ALTER TABLE code_sends ADD COLUMN country TEXT;
CREATE INDEX code_sends_by_country ON code_sends (country, sent_at) WHERE country IS NOT NULL;
