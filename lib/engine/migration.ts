import { db, query, sql, transaction, type Prisma, type Row, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { runStepMessage, updateInstanceIf } from "./store";
import { stepById } from "../processes/definition";
import { documentOf } from "../processes/service";
import type { ProcessDocument } from "../processes/schemas";
import {
  migrateInstancesInputSchema,
  migrationPreviewInputSchema,
  type MigrationCandidate,
  type MigrationPreview,
  type MigrationResult,
} from "./migration-schemas";

// An operator moves selected in-flight instances to a newer version of their process when the
// steps they are at exist there. The preview changes nothing; the move re-checks every instance
// in its own transaction, guarded by the instance version the preview showed, and audits
// `instance.migrated`. Steps in progress keep their step runs: a pending step runs as the target
// version defines it, a waiting one continues along the target version's transitions, and a
// failed instance's retry runs the target version's step.

const ACTIVE = ["PENDING", "RUNNING", "WAITING"] as const;
const PREVIEW_LIMIT = 500;

const instanceInclude = {
  definition: { select: { id: true, key: true, version: true } },
  stepRuns: {
    where: { status: { in: ["PENDING", "RUNNING", "WAITING", "FAILED"] } },
    select: { id: true, stepId: true, type: true, status: true, version: true, waitEventType: true, startedAt: true },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
  },
} satisfies Prisma.ProcessInstanceInclude;
type InstanceRow = Prisma.ProcessInstanceGetPayload<{ include: typeof instanceInclude }>;
type Target = { id: string; key: string; version: number; status: string; doc: ProcessDocument };

/** The instance in the shape of instanceInclude, locked for the move. */
async function lockedInstance(tx: Tx, id: string): Promise<InstanceRow | null> {
  const [row] = await tx.query<InstanceRow>(sql`
    SELECT i.*, json_build_object('id', d."id", 'key', d."key", 'version', d."version") AS "definition",
           COALESCE((SELECT json_agg(json_build_object('id', s."id", 'stepId', s."stepId", 'type', s."type", 'status', s."status", 'version', s."version",
                                                       'waitEventType', s."waitEventType", 'startedAt', s."startedAt") ORDER BY s."startedAt" DESC, s."id" DESC)
                       FROM "StepRun" s WHERE s."instanceId" = i."id" AND s."status" IN ('PENDING', 'RUNNING', 'WAITING', 'FAILED')), '[]') AS "stepRuns"
      FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d."id" = i."definitionId"
     WHERE i."id" = ${id} FOR UPDATE OF i`);
  return row ?? null;
}


async function targetVersion(key: string, version: number): Promise<Target> {
  const [def] = await query<Row<"ProcessDefinition">>(sql`SELECT * FROM "ProcessDefinition" WHERE "key" = ${key} AND "version" = ${version}::int`);
  if (!def) throw new AppError("NOT_FOUND", `No version ${version} of "${key}".`);
  if (def.status !== "ACTIVE") throw new AppError("CONFLICT", `Version ${version} of "${key}" is deprecated; move instances to an active version.`);
  return { id: def.id, key, version, status: def.status, doc: documentOf(def) };
}

/** The steps that decide whether an instance can move: those in progress, or the failed one. */
function relevantSteps(i: InstanceRow) {
  if (i.status === "FAILED") {
    const failed = i.stepRuns.find((s) => s.status === "FAILED");
    return failed ? [failed] : [];
  }
  return i.stepRuns.filter((s) => (ACTIVE as readonly string[]).includes(s.status));
}

/** Whether `i` can move to `target`, and if not, why (a sentence an operator can act on). */
export function assess(i: InstanceRow, target: Target): MigrationCandidate {
  const steps = relevantSteps(i);
  const base = {
    instanceId: i.id,
    businessKey: i.businessKey,
    status: i.status,
    fromVersion: i.definition.version,
    instanceVersion: i.version,
    steps: steps.map((s) => ({ stepId: s.stepId, type: s.type, status: s.status })),
  };
  const no = (reason: string): MigrationCandidate => ({ ...base, canMove: false, reason });
  if (i.definition.key !== target.key) return no(`It is an instance of "${i.definition.key}", not "${target.key}".`);
  if (i.status === "COMPENSATING") return no("It is being compensated (undoing its completed steps).");
  if (i.status !== "RUNNING" && i.status !== "WAITING" && i.status !== "FAILED") return no(`It has already finished (${i.status.toLowerCase()}).`);
  if (i.definition.version === target.version) return no(`It is already on v${target.version}.`);
  if (i.definition.version > target.version) return no(`It is on v${i.definition.version}, newer than v${target.version}.`);
  if (steps.length === 0) return no(i.status === "FAILED" ? "It has no failed step to continue from." : "No step is in progress right now; preview again in a moment.");
  const running = steps.find((s) => s.status === "RUNNING");
  if (running) return no(`Step "${running.stepId}" is running in a worker right now; preview again when it has finished.`);
  for (const s of steps) {
    const there = stepById(target.doc, s.stepId);
    if (!there) return no(`Its ${s.status === "FAILED" ? "failed" : "current"} step "${s.stepId}" does not exist in v${target.version}.`);
    if (there.kind !== s.type) return no(`Step "${s.stepId}" is a ${s.type} step here but a ${there.kind} step in v${target.version}.`);
    if (there.kind === "wait" && s.status === "WAITING" && s.waitEventType && there.event !== s.waitEventType) {
      return no(`Step "${s.stepId}" waits for "${s.waitEventType}" here but for "${there.event}" in v${target.version}.`);
    }
  }
  return { ...base, canMove: true, reason: null };
}

export async function previewMigration(actor: Actor, key: string, input: unknown): Promise<MigrationPreview> {
  requirePermission(actor, "processes:manage");
  const data = parse(migrationPreviewInputSchema, input, "Preview");
  const target = await targetVersion(key, data.targetVersion);
  const rows = data.instanceIds
    ? await db().processInstance.findMany({ where: { id: { in: data.instanceIds } }, include: instanceInclude })
    : await db().processInstance.findMany({
        where: { definition: { key, version: { lt: target.version } }, status: { in: ["RUNNING", "WAITING", "FAILED"] } },
        include: instanceInclude,
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        take: PREVIEW_LIMIT,
      });
  if (data.instanceIds) {
    const missing = data.instanceIds.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw new AppError("NOT_FOUND", `No instance ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ""}.`);
  }
  const order = data.instanceIds ? new Map(data.instanceIds.map((id, n) => [id, n])) : null;
  const candidates = rows.map((r) => assess(r, target)).sort((a, b) => (order ? order.get(a.instanceId)! - order.get(b.instanceId)! : 0));
  const movable = candidates.filter((c) => c.canMove).length;
  return { key, targetVersion: target.version, data: candidates, summary: { movable, blocked: candidates.length - movable } };
}

class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Moves each picked instance in its own transaction; the result says per instance what happened. */
export async function migrateInstances(actor: Actor, key: string, input: unknown): Promise<MigrationResult> {
  requirePermission(actor, "processes:manage");
  const data = parse(migrateInstancesInputSchema, input, "Migration");
  const target = await targetVersion(key, data.targetVersion);
  const results: MigrationResult["data"] = [];
  for (const pick of data.instances) {
    try {
      const fromVersion = await transaction(async (tx) => {
        const i = await lockedInstance(tx, pick.id);
        if (!i) throw new Refused("NOT_FOUND", "No such instance.");
        if (i.version !== pick.version) throw new Refused("INSTANCE_CHANGED", `It changed since the preview (version ${pick.version} → ${i.version}); preview again.`);
        const verdict = assess(i, target);
        if (!verdict.canMove) throw new Refused("CANNOT_MIGRATE", verdict.reason!);
        await updateInstanceIf(tx, { id: i.id, version: i.version, statuses: [i.status] }, { definitionId: target.id });
        // A pending step's job may have loaded the old version already (its transition is now
        // stale): a fresh job runs it as the target version defines it.
        for (const s of relevantSteps(i).filter((s) => s.status === "PENDING")) {
          tx.enqueue(runStepMessage(i.id, s.id, { suffix: `.m${i.version + 1}` }));
        }
        tx.audit(actor, {
          action: "instance.migrated",
          subjectType: "instance",
          subjectId: i.id,
          instanceId: i.id,
          before: { process: key, version: i.definition.version, definitionId: i.definition.id, status: i.status },
          after: { process: key, version: target.version, definitionId: target.id, steps: verdict.steps.map((s) => s.stepId) },
          reason: data.reason ?? null,
        });
        return i.definition.version;
      });
      results.push({ instanceId: pick.id, ok: true, fromVersion });
    } catch (e) {
      if (e instanceof Refused) results.push({ instanceId: pick.id, ok: false, code: e.code, detail: e.message });
      else throw e;
    }
  }
  const moved = results.filter((r) => r.ok).length;
  return { key, targetVersion: target.version, data: results, summary: { moved, refused: results.length - moved } };
}
