import { defineRoute } from "@/app/api/_lib/define-route";
import { clearMyOutOfOffice, getMyOutOfOffice, setMyOutOfOffice } from "@/lib/team/my-out-of-office";
import { clearOutOfOfficeSchema, myOutOfOfficeDtoSchema, myOutOfOfficeSchema, outOfOfficeDtoSchema } from "@/lib/team/schemas";

export const GET = defineRoute({
  operationId: "getMyOutOfOffice",
  tags: ["people"],
  summary: "Your out-of-office window and delegate",
  responses: { 200: { schema: outOfOfficeDtoSchema } },
  errors: [403],
  handler: async ({ actor }) => getMyOutOfOffice(actor),
});

export const PUT = defineRoute({
  operationId: "setMyOutOfOffice",
  tags: ["people"],
  summary:
    "Set your own out-of-office window and delegate; `moveOpenWork` hands your current open tasks to the delegate now (both names kept). Audited user.out_of_office_set",
  body: { schema: myOutOfOfficeSchema },
  responses: { 200: { schema: myOutOfOfficeDtoSchema } },
  errors: [403],
  handler: async ({ actor, body }) => setMyOutOfOffice(actor, body),
});

export const DELETE = defineRoute({
  operationId: "clearMyOutOfOffice",
  tags: ["people"],
  summary: "End your out-of-office window now (the delegate is kept). Audited user.out_of_office_cleared",
  body: { schema: clearOutOfOfficeSchema, required: false },
  responses: { 200: { schema: outOfOfficeDtoSchema } },
  errors: [403, 409],
  handler: async ({ actor, body }) => clearMyOutOfOffice(actor, body ?? {}),
});
