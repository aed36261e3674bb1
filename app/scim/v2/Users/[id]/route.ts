import { scimJson } from "@/lib/scim/http";
import { deleteUser, getUser, patchUser, replaceUser } from "@/lib/scim/users";
import { scimRoute } from "../../_lib/scim-route";

export const dynamic = "force-dynamic";

const versioned = (user: { meta: { version: string } }) => scimJson(user, { etag: user.meta.version });

export const GET = scimRoute(async ({ actor, baseUrl, params }) => versioned(await getUser(actor, baseUrl, params.id!)));

export const PUT = scimRoute(async ({ actor, baseUrl, params, body, ifMatch }) => versioned(await replaceUser(actor, baseUrl, params.id!, body, ifMatch)));

export const PATCH = scimRoute(async ({ actor, baseUrl, params, body, ifMatch }) => versioned(await patchUser(actor, baseUrl, params.id!, body, ifMatch)));

export const DELETE = scimRoute(async ({ actor, params, ifMatch }) => {
  await deleteUser(actor, params.id!, ifMatch);
  return new Response(null, { status: 204 });
});
