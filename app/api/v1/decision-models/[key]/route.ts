import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { getDecisionModel, getDecisionModelXml } from "@/lib/rules/models";
import { modelDetailSchema } from "@/lib/rules/model-schemas";
import { modelParams } from "@/lib/openapi/components";
import { AppError } from "@/lib/errors";

export const GET = defineRoute({
  operationId: "getDecisionModel",
  tags: ["decision models"],
  summary:
    "One model: versions, the current version's decisions (with the input data each needs), test cases and their results; `Accept: application/xml` (or `?format=dmn&version=N`) gives the DMN file as uploaded",
  permission: "rules:edit",
  params: modelParams,
  query: z.object({ format: z.literal("dmn").optional(), version: z.string().optional().meta({ description: "With format=dmn: that version's file" }) }),
  headers: z.object({ accept: z.string().optional().meta({ description: "application/xml for the DMN file" }) }),
  responses: { 200: { content: { "application/json": modelDetailSchema, "application/xml": z.string().meta({ description: "The .dmn file" }) } } },
  errors: [404],
  handler: async ({ req, actor, params, query }) => {
    const wantsXml = query.format === "dmn" || /\b(application|text)\/xml\b/.test(req.headers.get("accept") ?? "");
    if (!wantsXml) return getDecisionModel(actor, params.key);
    const version = query.version === undefined ? undefined : Number(query.version);
    if (version !== undefined && !(Number.isInteger(version) && version >= 1)) throw new AppError("VALIDATION_FAILED", "version must be a whole number from 1.", { fieldErrors: [{ path: "version", message: "must be a whole number from 1" }] });
    const xml = await getDecisionModelXml(actor, params.key, version);
    return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8", "content-disposition": `attachment; filename="${params.key}.dmn"` } });
  },
});
