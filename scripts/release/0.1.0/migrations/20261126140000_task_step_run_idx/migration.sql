-- A human step's task is looked up by its step run: when an instance is cancelled or compensated,
-- when a worker takes over a step whose worker died, and by the recovery sweep. Without this
-- index each of those scanned the whole task table.
CREATE INDEX "Task_stepRunId_idx" ON "Task"("stepRunId");
