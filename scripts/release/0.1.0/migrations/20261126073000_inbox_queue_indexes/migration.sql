-- The inbox list runs as one index scan per branch (lib/tasks/service.ts listTasks).
-- A group's unclaimed queue in due order: a partial index holds only the rows the queue shows,
-- so the first page reads 51 index entries instead of sorting every open task of the group.
CREATE INDEX "Task_group_queue_idx" ON "Task" ("candidateGroupId", "dueAt", "id") WHERE "status" = 'OPEN' AND "assigneeId" IS NULL;
-- "Recently decided": one person's decisions, newest first.
CREATE INDEX "Task_decidedById_decidedAt_idx" ON "Task" ("decidedById", "decidedAt");
-- "Approved by me already" (four-eyes) is probed per queue row by (taskId, approverId); the
-- audit of a person's approvals reads by approver.
CREATE INDEX "TaskApproval_approverId_idx" ON "TaskApproval" ("approverId");
-- Every API request reads the caller's team (people and groups they supervise) with their identity.
CREATE INDEX "User_supervisorId_idx" ON "User" ("supervisorId");
CREATE INDEX "Group_supervisorId_idx" ON "Group" ("supervisorId");
