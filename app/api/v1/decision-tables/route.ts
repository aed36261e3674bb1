import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { MAX_DMN_BYTES } from "@/lib/rules/dmn";
import { listDecisionTables, uploadDmn } from "@/lib/rules/service";
import { tableSummarySchema, uploadQuerySchema, uploadResultSchema } from "@/lib/rules/schemas";
import { readXml } from "./read-xml";

export const GET = defineRoute({
  operationId: "listDecisionTables",
  tags: ["decision tables"],
  summary: "Decision tables with their versions (rules:edit)",
  permission: "rules:edit",
  responses: { 200: { schema: z.object({ data: z.array(tableSummarySchema) }) } },
  handler: async ({ actor }) => listDecisionTables(actor),
});

export const POST = defineRoute({
  operationId: "uploadDmn",
  tags: ["decision tables"],
  summary:
    "Upload a DMN 1.1–1.5 file (body: the XML, application/xml or text/xml, at most 2 MB); each decision table becomes a new draft version. " +
    "A table belongs to the model (namespace and name) it was first uploaded from: another model reusing a decision id is refused (409) unless sent with `?key=` (one table)",
  permission: "rules:edit",
  query: uploadQuerySchema,
  body: { content: { "application/xml": z.string().meta({ description: "A .dmn file" }) } },
  maxBodyBytes: MAX_DMN_BYTES,
  responses: { 201: { description: "Drafts created", schema: uploadResultSchema } },
  errors: [409, 415, 422],
  handler: async ({ req, actor, query, rawBody = "" }) => json(await uploadDmn(actor, readXml(req.headers, rawBody), query), { status: 201 }),
});
