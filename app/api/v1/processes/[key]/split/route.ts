import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { noContent } from "@/lib/http/responses";
import { clearVersionSplit, getVersionSplit, setVersionSplit } from "@/lib/processes/split";
import { versionSplitDtoSchema, versionSplitSchema } from "@/lib/processes/schemas";
import { processParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getVersionSplit",
  tags: ["processes"],
  summary: "The process's A/B version split, if any",
  permission: "processes:manage",
  params: processParams,
  responses: { 200: { schema: z.object({ split: versionSplitDtoSchema.nullable() }) } },
  handler: async ({ actor, params }) => ({ split: await getVersionSplit(actor, params.key) }),
});

export const PUT = defineRoute({
  operationId: "setVersionSplit",
  tags: ["processes"],
  summary: "Split new instances between two active versions (percentB % to versionB; audited)",
  permission: "processes:manage",
  params: processParams,
  body: { schema: versionSplitSchema },
  responses: { 200: { schema: versionSplitDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => setVersionSplit(actor, params.key, body),
});

export const DELETE = defineRoute({
  operationId: "clearVersionSplit",
  tags: ["processes"],
  summary: "Remove the split: new instances start on the newest active version (audited)",
  permission: "processes:manage",
  params: processParams,
  responses: { 204: { description: "Removed" } },
  errors: [404, 409],
  handler: async ({ actor, params }) => {
    await clearVersionSplit(actor, params.key);
    return noContent();
  },
});
