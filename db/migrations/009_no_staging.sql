-- 009_no_staging.sql — imports no longer stage their rows.
--
-- Intake used to COPY each batch into a temporary table shaped like
-- complaints_staging and move it into complaints with INSERT ... ON
-- CONFLICT DO NOTHING. It now asks which ticket numbers are stored (one
-- index probe each), reserves ids and COPYs the new rows straight into
-- complaints, which is what the ≤ 2× COPY budget needed. Nothing reads the
-- staging table any more.
DROP TABLE complaints_staging;
