import { query, sql } from "../db";
import { AppError } from "../errors";
import { fileAnswerErrors, formFileIds, type FormField } from "./forms";

// A decision form's `file` answers (ADR 052): attachment ids the schema checked for shape; here,
// that each is a file of this task or of its request, of a kind the field accepts.

export async function checkDecisionFiles(form: readonly FormField[] | null, values: Record<string, unknown> | null, owner: { taskId: string; instanceId: string | null }): Promise<void> {
  const wanted = formFileIds(form ?? [], values);
  if (!wanted.length) return;
  const ids = wanted.flatMap((w) => w.ids);
  const rows = await query<{ id: string; contentType: string; filename: string }>(
    sql`SELECT "id", "contentType", "filename" FROM "Attachment"
         WHERE "id" = ANY(${ids}::text[]) AND ("taskId" = ${owner.taskId} OR ("instanceId" = ${owner.instanceId} AND "taskId" IS NULL AND "commentId" IS NULL))`,
  );
  const errors = fileAnswerErrors(wanted, rows, "to this task");
  const fieldErrors = Object.entries(errors).map(([id, message]) => ({ path: `form.${id}`, message }));
  if (fieldErrors.length) throw new AppError("VALIDATION_FAILED", `The decision form is incomplete — ${fieldErrors[0]!.path}: ${fieldErrors[0]!.message}`, { fieldErrors });
}
