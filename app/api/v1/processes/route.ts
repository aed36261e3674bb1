import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { AppError } from "@/lib/errors";
import { json, parseJsonBody } from "@/lib/http/responses";
import { MAX_DOCUMENT_BYTES } from "@/lib/processes/definition";
import { processSummaryDtoSchema, processVersionDtoSchema, uploadDefinitionSchema } from "@/lib/processes/schemas";
import { listProcesses, publishDefinition } from "@/lib/processes/service";

export const GET = defineRoute({
  operationId: "listProcesses",
  tags: ["processes"],
  summary: "Process definitions with versions and instance counts",
  permission: "processes:manage",
  responses: { 200: { schema: z.object({ data: z.array(processSummaryDtoSchema) }) } },
  handler: async ({ actor }) => listProcesses(actor),
});

export const POST = defineRoute({
  operationId: "publishDefinition",
  tags: ["processes"],
  summary:
    "Publish a definition as the key's next version. Body: YAML (`application/yaml`), or JSON: the document itself or `{ \"document\": <object or YAML text> }`",
  permission: "processes:manage",
  body: {
    content: {
      "application/json": z.union([uploadDefinitionSchema, z.record(z.string(), z.unknown())]),
      "application/yaml": z.string().meta({ description: "The definition as YAML" }),
    },
  },
  responses: { 201: { description: "Published", schema: processVersionDtoSchema, headers: z.object({ location: z.string() }) } },
  errors: [415, 422],
  handler: async ({ req, actor, rawBody = "" }) => {
    const type = (req.headers.get("content-type") ?? "").toLowerCase();
    let input: string | object;
    if (/^(application|text)\/(x-)?yaml\b/.test(type)) {
      const text = rawBody;
      if (text.length > MAX_DOCUMENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `A definition must be at most ${MAX_DOCUMENT_BYTES / 1024} KB.`);
      input = text;
    } else {
      const body = parseJsonBody(req.headers, rawBody);
      const wrapped = uploadDefinitionSchema.safeParse(body);
      input = wrapped.success ? wrapped.data.document : (body as object);
    }
    const version = await publishDefinition(actor, input);
    return json(version, { status: 201, headers: { location: `/api/v1/processes/${version.key}` } });
  },
});
