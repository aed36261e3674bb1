import { scimJson } from "@/lib/scim/http";
import { createUser, listUsers } from "@/lib/scim/users";
import { scimRoute } from "../_lib/scim-route";

export const dynamic = "force-dynamic";

export const GET = scimRoute(async ({ actor, baseUrl, query }) => scimJson(await listUsers(actor, baseUrl, query)));

export const POST = scimRoute(async ({ actor, baseUrl, body }) => {
  const user = await createUser(actor, baseUrl, body);
  return scimJson(user, { status: 201, etag: user.meta.version, location: user.meta.location });
});
