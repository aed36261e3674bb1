import { withApi } from "../../../../../_lib/with-api";
import { clearOutOfOffice, setOutOfOffice } from "@/lib/team/service";
import { readJson } from "@/lib/http/responses";

/** Sets a member's out-of-office window and delegate (audited user.out_of_office_set). */
export const PUT = withApi<{ id: string }>(async ({ req, actor, params }) => setOutOfOffice(actor, params.id, await readJson(req)), { permission: "team:manage" });

/** Ends it now (audited user.out_of_office_cleared); a body with a reason is optional. */
export const DELETE = withApi<{ id: string }>(async ({ req, actor, params }) => clearOutOfOffice(actor, params.id, (await readJson(req, { optional: true })) ?? {}), {
  permission: "team:manage",
});
