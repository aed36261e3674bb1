import { withApi } from "../../_lib/with-api";
import { listPeople } from "@/lib/comments/service";

/** Active people to ask or mention (`?q=` filters by name or e-mail). */
export const GET = withApi(async ({ req, actor }) => listPeople(actor, { q: new URL(req.url).searchParams.get("q") ?? undefined }), {
  permission: "users:read",
});
