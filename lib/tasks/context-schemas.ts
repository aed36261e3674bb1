import { z } from "zod";
import { contextLayoutSchema } from "../processes/context-layout";

// The case around a task (GET /tasks/:id/case; issue #21/#22): what the task page shows beside
// the decision — the process's context layout and the values it reads, the request's timeline,
// the other tasks of the same case with their decisions and comments, and the party's history.

const relatedTaskSchema = z.object({
  id: z.string(),
  reference: z.string(),
  title: z.string(),
  status: z.string(),
  outcome: z.string().nullable(),
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
});

export const caseDtoSchema = z
  .object({
    /** The definition's layout; null: the task has no process or its process declares none. */
    layout: contextLayoutSchema.nullable(),
    /** The values the layout reads: the instance's variables overlaid with the task's context. */
    values: z.record(z.string(), z.unknown()),
    request: z
      .object({
        id: z.string(),
        process: z.string(),
        processName: z.string(),
        businessKey: z.string().nullable(),
        status: z.string(),
        startedAt: z.iso.datetime(),
        startedBy: z.string().nullable(),
      })
      .nullable(),
    timeline: z.array(z.object({ stepId: z.string(), status: z.string(), startedAt: z.iso.datetime(), endedAt: z.iso.datetime().nullable() })),
    relatedTasks: z.array(relatedTaskSchema),
    comments: z.array(z.object({ taskId: z.string(), reference: z.string(), author: z.string(), body: z.string(), kind: z.string(), createdAt: z.iso.datetime() })),
    history: z
      .object({
        label: z.string(),
        value: z.string(),
        requests: z.array(
          z.object({
            id: z.string(),
            businessKey: z.string().nullable(),
            status: z.string(),
            startedAt: z.iso.datetime(),
            decisions: z.array(relatedTaskSchema),
          }),
        ),
      })
      .nullable(),
  })
  .meta({ id: "TaskCase" });
export type CaseDto = z.infer<typeof caseDtoSchema>;
export type RelatedTaskDto = z.infer<typeof relatedTaskSchema>;
