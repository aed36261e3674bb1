import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { MAX_DMN_BYTES } from "@/lib/rules/dmn";
import { listDecisionModels, uploadDecisionModel } from "@/lib/rules/models";
import { modelSummarySchema, modelUploadQuerySchema, modelUploadResultSchema } from "@/lib/rules/model-schemas";
import { readXml } from "../decision-tables/read-xml";

export const GET = defineRoute({
  operationId: "listDecisionModels",
  tags: ["decision models"],
  summary: "DMN models with their versions (rules:edit)",
  permission: "rules:edit",
  responses: { 200: { schema: z.object({ data: z.array(modelSummarySchema) }) } },
  handler: async ({ actor }) => listDecisionModels(actor),
});

export const POST = defineRoute({
  operationId: "uploadDecisionModel",
  tags: ["decision models"],
  summary:
    "Upload a DMN 1.1–1.5 model (body: the XML, application/xml or text/xml, at most 2 MB) as a new draft version: any decisions — decision tables, literal expressions, contexts, BKM invocations —, with or without a table. " +
    "The model is keyed by its name (`Loan Approval` → `loan-approval`) or `?key=`; a key whose model has another namespace or name is refused (409)",
  permission: "rules:edit",
  query: modelUploadQuerySchema,
  body: { content: { "application/xml": z.string().meta({ description: "A .dmn file" }) } },
  maxBodyBytes: MAX_DMN_BYTES,
  responses: { 201: { description: "Draft created", schema: modelUploadResultSchema } },
  errors: [409, 415, 422],
  handler: async ({ req, actor, query, rawBody = "" }) => json(await uploadDecisionModel(actor, readXml(req.headers, rawBody), query), { status: 201 }),
});
