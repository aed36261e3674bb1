-- Event receipts name who posted them (issue #18): a receipt is shown only to its producer (or an
-- admin), and the worker re-checks the producer's token and grants before starting an instance.
-- A wait step may declare the event source it accepts. Receipts are removed by age (retention).
ALTER TABLE "EventReceipt" ADD COLUMN "postedByType" TEXT,
ADD COLUMN "postedById" TEXT,
ADD COLUMN "postedByPrincipalId" TEXT;

ALTER TABLE "StepRun" ADD COLUMN "waitEventSource" TEXT;

CREATE INDEX "EventReceipt_receivedAt_idx" ON "EventReceipt"("receivedAt");
