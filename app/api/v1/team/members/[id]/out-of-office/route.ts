import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { clearOutOfOffice, setOutOfOffice } from "@/lib/team/service";
import { clearOutOfOfficeSchema, outOfOfficeDtoSchema, outOfOfficeSchema } from "@/lib/team/schemas";

const memberParams = z.object({ id: z.string().meta({ description: "The member's user id" }) });

export const PUT = defineRoute({
  operationId: "setOutOfOffice",
  tags: ["team"],
  summary:
    "Set a member's out-of-office window and delegate (routing skips them; their direct work goes to the delegate). Audited user.out_of_office_set",
  permission: "team:manage",
  params: memberParams,
  body: { schema: outOfOfficeSchema },
  responses: { 200: { schema: outOfOfficeDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => setOutOfOffice(actor, params.id, body),
});

export const DELETE = defineRoute({
  operationId: "clearOutOfOffice",
  tags: ["team"],
  summary: "End a member's out-of-office window now (the delegate is kept); a body with a reason is optional. Audited user.out_of_office_cleared",
  permission: "team:manage",
  params: memberParams,
  body: { schema: clearOutOfOfficeSchema, required: false },
  responses: { 200: { schema: outOfOfficeDtoSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => clearOutOfOffice(actor, params.id, body ?? {}),
});
