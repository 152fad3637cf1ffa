-- 058_holiday_years.sql — the years whose official calendar is on record
-- whole.
--
-- A year counted as known as soon as table holidays held one day off of it:
-- one day typed in (jiesu holidays add 2027-01-01 元旦 --off) silenced the
-- warning that 2027's notice was missing, while 春节 and every other holiday
-- of 2027 went on counting as working days. A year is now complete when its
-- calendar was stored whole: a holiday-cn file of that year (its "year"), from
-- the bundled data/holidays by `jiesu migrate` or by `jiesu holidays load`, or
-- an administrator's `jiesu holidays complete YEAR` once its days are typed
-- in. The warning names the first year from this one on that is not.
CREATE TABLE holiday_years (
    year      int PRIMARY KEY CHECK (year BETWEEN 1970 AND 9999),
    source    text NOT NULL,                -- as holidays.source: the file, or who said so
    stored_at timestamptz NOT NULL DEFAULT now()
);

-- The years stored before from a file: those with a day off read from one
-- (not typed in), before December — a notice's 元旦 may begin on the last
-- days of the year before (2024.json holds 2023-12-30), which does not make
-- that year's calendar whole.
INSERT INTO holiday_years (year, source)
SELECT extract(year FROM day)::int, min(source)
  FROM holidays
 WHERE off AND source NOT LIKE 'typed in%' AND extract(month FROM day) < 12
 GROUP BY 1;
