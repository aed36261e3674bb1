import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { startInstance } from "@/lib/engine";
import { instanceDtoSchema, startInstanceSchema } from "@/lib/engine/schemas";
import { processParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "startInstance",
  tags: ["processes"],
  summary: "Start an instance on the newest active version",
  permission: "processes:manage",
  params: processParams,
  body: { schema: startInstanceSchema, required: false },
  responses: { 201: { description: "Started", schema: instanceDtoSchema, headers: z.object({ location: z.string() }) } },
  errors: [404],
  handler: async ({ actor, params, body }) => {
    const instance = await startInstance(actor, params.key, body);
    return json(instance, { status: 201, headers: { location: `/api/v1/instances/${instance.id}` } });
  },
});
