// Finished process history written straight into the tables (instances, step runs, tasks,
// questions) with chosen times — for the KPI tests' known answers and the demo's 30 days of
// history. Only history: nothing is queued, no audit entries are written (the history did not
// happen through Baton's services; the demo says so in its business keys).
import type { PrismaClient } from "../lib/generated/prisma/client";

const MIN = 60_000;

export interface HistoryTask {
  title?: string;
  createdMin?: number;
  dueMin?: number;
  claimedMin?: number;
  decidedMin?: number;
  outcome?: string;
  decidedById?: string | null;
  candidateGroupId?: string | null;
  /** The task was escalated (its first escalation level fired at this minute). */
  escalatedMin?: number;
  /** Someone asked a question on the task (counts as information requested). */
  question?: { authorId: string; authorName: string; atMin: number; body: string };
}

export interface HistoryStep {
  stepId: string;
  type: string;
  status?: "COMPLETED" | "FAILED";
  startMin: number;
  endMin: number;
  attempts?: number;
  /** Automated steps: when the first attempt began (handoff = this − previous step's end). */
  firstAttemptMin?: number;
  error?: string;
  task?: HistoryTask;
}

export interface HistoryInstance {
  definitionId: string;
  startedAt: Date;
  status: "COMPLETED" | "FAILED" | "CANCELLED";
  endMin: number;
  businessKey?: string;
  variables?: Record<string, unknown>;
  steps: HistoryStep[];
}

export async function insertHistory(db: PrismaClient, h: HistoryInstance): Promise<{ instanceId: string; taskIds: string[] }> {
  const t = (min: number) => new Date(h.startedAt.getTime() + min * MIN);
  const last = h.steps[h.steps.length - 1];
  const instance = await db.processInstance.create({
    data: {
      definitionId: h.definitionId,
      businessKey: h.businessKey ?? null,
      status: h.status,
      variables: (h.variables ?? {}) as object,
      startedAt: h.startedAt,
      endedAt: t(h.endMin),
      error: h.status === "FAILED" ? (last?.error ?? "failed") : null,
      startedByName: "history",
    },
  });
  const taskIds: string[] = [];
  for (const s of h.steps) {
    const attempts = s.attempts ?? (s.type === "human" || s.type === "end" ? 0 : 1);
    const run = await db.stepRun.create({
      data: {
        instanceId: instance.id,
        stepId: s.stepId,
        type: s.type,
        status: s.status ?? "COMPLETED",
        attempts,
        error: s.status === "FAILED" ? (s.error ?? "failed") : null,
        attemptLog:
          s.firstAttemptMin !== undefined
            ? [{ n: 1, startedAt: t(s.firstAttemptMin).toISOString(), endedAt: t(s.endMin).toISOString(), ok: s.status !== "FAILED" }]
            : [],
        startedAt: t(s.startMin),
        endedAt: t(s.endMin),
      },
    });
    if (s.task) {
      const k = s.task;
      const decided = k.decidedMin !== undefined;
      const task = await db.task.create({
        data: {
          title: k.title ?? `${s.stepId} (${h.businessKey ?? instance.id.slice(-6)})`,
          status: decided ? "DECIDED" : "CANCELLED",
          candidateGroupId: k.candidateGroupId ?? null,
          assigneeId: k.claimedMin !== undefined || decided ? (k.decidedById ?? null) : null,
          claimedAt: k.claimedMin !== undefined ? t(k.claimedMin) : null,
          dueAt: k.dueMin !== undefined ? t(k.dueMin) : null,
          outcome: decided ? (k.outcome ?? "approve") : null,
          decidedById: decided ? (k.decidedById ?? null) : null,
          decidedAt: decided ? t(k.decidedMin!) : null,
          reason: k.outcome === "reject" ? "Rejected (history)" : null,
          instanceId: instance.id,
          stepRunId: run.id,
          context: (h.variables ?? {}) as object,
          createdAt: t(k.createdMin ?? s.startMin),
          createdByActor: "history",
          ...(k.escalatedMin !== undefined ? { escalationLevel: 1, escalatedAt: t(k.escalatedMin) } : {}),
        },
      });
      taskIds.push(task.id);
      if (k.question) {
        await db.comment.create({
          data: { taskId: task.id, authorId: k.question.authorId, authorName: k.question.authorName, kind: "QUESTION", body: k.question.body, createdAt: t(k.question.atMin) },
        });
      }
    }
  }
  return { instanceId: instance.id, taskIds };
}
