-- Working hours per weekday in a group's business calendar (ADR 053): seven lists, Monday first,
-- of [startMinute, endMinute) intervals. Every existing calendar is carried over unchanged: its
-- one range on each of its working days, nothing on the others.

-- AlterTable
ALTER TABLE "BusinessCalendar" ADD COLUMN     "hours" JSONB;

UPDATE "BusinessCalendar" c SET "hours" = (
  SELECT jsonb_agg(
           CASE WHEN d = ANY(COALESCE(c."workingDays", ARRAY[1, 2, 3, 4, 5])) THEN jsonb_build_array(jsonb_build_array(c."startMinute", c."endMinute")) ELSE '[]'::jsonb END
           ORDER BY d)
    FROM generate_series(1, 7) AS d
);

ALTER TABLE "BusinessCalendar" ALTER COLUMN "hours" SET NOT NULL,
DROP COLUMN "endMinute",
DROP COLUMN "startMinute",
DROP COLUMN "workingDays";
