import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { deprecateVersion } from "@/lib/processes/service";
import { processVersionDtoSchema } from "@/lib/processes/schemas";
import { processParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "deprecateVersion",
  tags: ["processes"],
  summary: "Deprecate a version: no new instances start on it",
  permission: "processes:manage",
  params: processParams.extend({ n: z.string().meta({ description: "Version number" }) }),
  responses: { 200: { schema: processVersionDtoSchema } },
  errors: [404],
  handler: async ({ actor, params }) => deprecateVersion(actor, params.key, Number(params.n)),
});
