import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { getDecisionTable, getDecisionTableXml } from "@/lib/rules/service";
import { tableDetailSchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getDecisionTable",
  tags: ["decision tables"],
  summary:
    "One table: versions, the current version's rules, test cases and their results; `Accept: application/xml` (or `?format=dmn&version=N`) gives the DMN file",
  permission: "rules:edit",
  params: tableParams,
  query: z.object({ format: z.literal("dmn").optional(), version: z.string().optional().meta({ description: "With format=dmn: that version's file" }) }),
  headers: z.object({ accept: z.string().optional().meta({ description: "application/xml for the DMN file" }) }),
  responses: { 200: { content: { "application/json": tableDetailSchema, "application/xml": z.string().meta({ description: "The .dmn file" }) } } },
  errors: [404],
  handler: async ({ req, actor, params, query }) => {
    const wantsXml = query.format === "dmn" || /\b(application|text)\/xml\b/.test(req.headers.get("accept") ?? "");
    if (!wantsXml) return getDecisionTable(actor, params.key);
    const xml = await getDecisionTableXml(actor, params.key, query.version ? Number(query.version) || undefined : undefined);
    return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8", "content-disposition": `attachment; filename="${params.key}.dmn"` } });
  },
});
