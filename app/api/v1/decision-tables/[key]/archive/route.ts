import { defineRoute } from "@/app/api/_lib/define-route";
import { setDecisionTableArchived } from "@/lib/rules/service";
import { tableSummarySchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "archiveDecisionTable",
  tags: ["decision tables"],
  summary: "Archive a table: its versions are kept, but it takes no new drafts, publishes or evaluations until restored",
  permission: "rules:edit",
  params: tableParams,
  responses: { 200: { schema: tableSummarySchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => setDecisionTableArchived(actor, params.key, true),
});

export const DELETE = defineRoute({
  operationId: "restoreDecisionTable",
  tags: ["decision tables"],
  summary: "Restore an archived table",
  permission: "rules:edit",
  params: tableParams,
  responses: { 200: { schema: tableSummarySchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => setDecisionTableArchived(actor, params.key, false),
});
