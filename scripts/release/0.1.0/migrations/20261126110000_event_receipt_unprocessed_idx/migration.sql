-- Events accepted with `Prefer: respond-async` and not processed yet (result still NULL): the
-- engine's recovery sweep finds those whose job Redis lost. Partial, so it stays as small as the
-- backlog (Prisma's schema language cannot express it; see the comment on EventReceipt).
CREATE INDEX "EventReceipt_unprocessed_idx" ON "EventReceipt" ("receivedAt") WHERE "result" IS NULL;
