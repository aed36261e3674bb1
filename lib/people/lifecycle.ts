import { sql, transaction } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../identity/actor";

// Deactivating and reactivating a person. A deactivated person cannot sign in (password or single
// sign-on), their session's next request is refused (actorForUser) and their API tokens stop
// working (actorForToken refuses inactive owners). Their open work goes back to its group's queue,
// or to the colleague named. Called by people administration and by SCIM deprovisioning.

/** People admins, a provisioning (SCIM) token, or the system itself. */
function requireLifecycleRights(actor: Actor): void {
  if (actor.type === "SYSTEM" || actor.permissions.has("scim:provision") || (actor.type === "USER" && actor.role === "ADMIN")) return;
  throw new AppError("FORBIDDEN", "Only admins (or a provisioning token) deactivate and reactivate people.");
}

interface PersonRow {
  id: string;
  name: string;
  active: boolean;
  kind: string;
}

export async function deactivatePerson(input: { personId: string; reason: string; reassignTo?: string | null }, actor: Actor): Promise<void> {
  requireLifecycleRights(actor);
  const reason = input.reason.trim();
  if (!reason) throw new AppError("VALIDATION_FAILED", "Say why the person is deactivated.", { fieldErrors: [{ path: "reason", message: "required" }] });
  if (input.reassignTo === input.personId) throw new AppError("VALIDATION_FAILED", "Open work cannot go to the person being deactivated.", { fieldErrors: [{ path: "reassignTo", message: "the same person" }] });
  await transaction(async (tx) => {
    const [person] = await tx.query<PersonRow>(sql`SELECT "id", "name", "active", "kind"::text AS "kind" FROM "User" WHERE "id" = ${input.personId} FOR UPDATE`);
    if (!person || person.kind !== "PERSON") throw new AppError("NOT_FOUND", "No such person.");
    // Deactivating someone already inactive changes nothing (deprovisioning is retried by identity providers).
    if (!person.active) return;
    let delegate: PersonRow | undefined;
    if (input.reassignTo) {
      [delegate] = await tx.query<PersonRow>(sql`SELECT "id", "name", "active", "kind"::text AS "kind" FROM "User" WHERE "id" = ${input.reassignTo}`);
      if (!delegate || !delegate.active || delegate.kind !== "PERSON") {
        throw new AppError("VALIDATION_FAILED", "Open work can only go to an active person.", { fieldErrors: [{ path: "reassignTo", message: "not an active person" }] });
      }
    }
    await tx.update("User", { active: false }, sql`"id" = ${person.id} AND "active"`, { expect: 1, stale: () => new AppError("CONFLICT", "The person changed meanwhile; try again.") });
    // Their open and claimed work is no longer theirs: to the colleague named, else back to its queue.
    const moved = await tx.query<{ id: string }>(
      sql`UPDATE "Task" SET "assigneeId" = ${delegate?.id ?? null}, "claimedAt" = ${delegate ? new Date() : null}, "version" = "version" + 1, "updatedAt" = now()
           WHERE "assigneeId" = ${person.id} AND "status" IN ('OPEN', 'INFO_REQUESTED') RETURNING "id"`,
    );
    tx.audit(actor, {
      action: "user.deactivated",
      subjectType: "user",
      subjectId: person.id,
      reason,
      before: { active: true },
      after: { active: false, openTasks: moved.map((t) => t.id), reassignedTo: delegate ? { id: delegate.id, name: delegate.name } : null },
    });
  });
}

export async function reactivatePerson(input: { personId: string }, actor: Actor): Promise<void> {
  requireLifecycleRights(actor);
  await transaction(async (tx) => {
    const [person] = await tx.query<PersonRow>(sql`SELECT "id", "name", "active", "kind"::text AS "kind" FROM "User" WHERE "id" = ${input.personId} FOR UPDATE`);
    if (!person || person.kind !== "PERSON") throw new AppError("NOT_FOUND", "No such person.");
    if (person.active) return;
    await tx.update("User", { active: true }, sql`"id" = ${person.id} AND NOT "active"`, { expect: 1, stale: () => new AppError("CONFLICT", "The person changed meanwhile; try again.") });
    tx.audit(actor, { action: "user.reactivated", subjectType: "user", subjectId: person.id, before: { active: false }, after: { active: true } });
  });
}
