import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { submitRequest } from "@/lib/requests/service";
import { requestDtoSchema, submitRequestSchema } from "@/lib/requests/schemas";

export const POST = defineRoute({
  operationId: "submitRequest",
  tags: ["requests"],
  summary: "File a request: start a process you may request, with its start form's answers as the instance's variables; audited request.submitted",
  body: { schema: submitRequestSchema },
  responses: { 201: { description: "Filed", schema: requestDtoSchema, headers: z.object({ location: z.string() }) } },
  errors: [403, 404],
  handler: async ({ actor, body }) => {
    const request = await submitRequest(actor, body);
    return json(request, { status: 201, headers: { location: `/api/v1/me/requests` } });
  },
});
