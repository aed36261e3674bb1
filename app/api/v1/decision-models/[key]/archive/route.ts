import { defineRoute } from "@/app/api/_lib/define-route";
import { setDecisionModelArchived } from "@/lib/rules/models";
import { modelSummarySchema } from "@/lib/rules/model-schemas";
import { modelParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "archiveDecisionModel",
  tags: ["decision models"],
  summary: "Archive a model: its versions are kept, but it takes no new drafts, test-case changes, publishes or evaluations (process steps calling it fail) until restored",
  permission: "rules:edit",
  params: modelParams,
  responses: { 200: { schema: modelSummarySchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => setDecisionModelArchived(actor, params.key, true),
});

export const DELETE = defineRoute({
  operationId: "restoreDecisionModel",
  tags: ["decision models"],
  summary: "Restore an archived model",
  permission: "rules:edit",
  params: modelParams,
  responses: { 200: { schema: modelSummarySchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => setDecisionModelArchived(actor, params.key, false),
});
