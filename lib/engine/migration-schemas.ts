import { z } from "zod";
import { versionNumber } from "../fields";

// Moving in-flight instances of a process to a newer version (issue 3): a preview that changes
// nothing, then a move of the instances the operator picked, each guarded by the instance version
// the preview showed.

export const migrationPreviewInputSchema = z
  .object({
    targetVersion: versionNumber(),
    /** The instances to assess; omitted: every running, waiting or failed instance on an older version (newest first, at most 500). */
    instanceIds: z.array(z.string().min(1).max(100)).min(1).max(500).optional(),
  })
  .strict();

const migrationCandidateSchema = z.object({
  instanceId: z.string(),
  businessKey: z.string().nullable(),
  status: z.string(),
  fromVersion: z.number().int(),
  /** The instance's own version (optimistic concurrency): send it back to move the instance. */
  instanceVersion: z.number().int(),
  /** Steps in progress (pending, running, waiting), or the failed step of a failed instance. */
  steps: z.array(z.object({ stepId: z.string(), type: z.string(), status: z.string() })),
  canMove: z.boolean(),
  /** Why it cannot move (null when it can). */
  reason: z.string().nullable(),
});
export type MigrationCandidate = z.infer<typeof migrationCandidateSchema>;

export const migrationPreviewSchema = z.object({
  key: z.string(),
  targetVersion: z.number().int(),
  data: z.array(migrationCandidateSchema),
  summary: z.object({ movable: z.number().int(), blocked: z.number().int() }),
});
export type MigrationPreview = z.infer<typeof migrationPreviewSchema>;

export const migrateInstancesInputSchema = z
  .object({
    targetVersion: versionNumber(),
    /** Each instance with the version the preview showed; one that changed since is refused. */
    instances: z
      .array(z.object({ id: z.string().min(1).max(100), version: versionNumber() }).strict())
      .min(1, "Pick at least one instance")
      .max(500),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();

export const migrationResultSchema = z.object({
  key: z.string(),
  targetVersion: z.number().int(),
  data: z.array(
    z.object({
      instanceId: z.string(),
      ok: z.boolean(),
      fromVersion: z.number().int().optional(),
      code: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
  summary: z.object({ moved: z.number().int(), refused: z.number().int() }),
});
export type MigrationResult = z.infer<typeof migrationResultSchema>;
